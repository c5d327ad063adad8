/* Unit conversions and the one equivalence ctk states (driving a car),
 * shared by the report's methods text and the collector's live prediction. */
#ifndef CTK_UNITS_H
#define CTK_UNITS_H

#define CTK_J_PER_KWH 3.6e6

/* US EPA (2023), "Greenhouse Gas Emissions from a Typical Passenger Vehicle",
 * EPA-420-F-23-014: about 400 g CO2 per mile driven = 248.5 g/km. */
#define CTK_CAR_G_PER_MILE 400.0
#define CTK_KM_PER_MILE 1.609344

/* Kilometres driven in a typical passenger vehicle for co2_g grams of CO2. */
#define CTK_CAR_KM(co2_g) ((co2_g) / (CTK_CAR_G_PER_MILE / CTK_KM_PER_MILE))

#endif

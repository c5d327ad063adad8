/* Text output of `ctk analyze` (see analyze_out.h): a table of devices, the
 * whole-run energy, CO2 and its caveats, the carbontracker comparison, the
 * epochs and the headline prediction, all for people reading a terminal. */
#include <stdio.h>
#include <string.h>

#include "analyze/cmd/analyze_out.h"
#include "analyze/energy/uncert.h"
#include "common/time.h"


/* "gpu0"; on a run merged from several nodes "node1/gpu0". */
static void device_label(const struct ctk_run_result *r, const struct ctk_dev_result *d, char *buf, size_t size)
{
	const char *h = r->nhosts > 1 ? d->host : "", *sep = r->nhosts > 1 ? "/" : "";

	if (d->has_idx)
		snprintf(buf, size, "%.40s%s%s%d", h, sep, d->kind, d->idx);
	else
		snprintf(buf, size, "%.40s%s%s#%lld", h, sep, d->kind, (long long)d->device_id);
}

/* The CPU and DRAM energy of the run's devices (whole packages). */
static double cpu_dram_j(const struct ctk_run_result *r)
{
	double e = 0;

	for (int i = 0; i < r->ndev; i++)
		if (!strcmp(r->dev[i].kind, "cpu") || !strcmp(r->dev[i].kind, "dram"))
			e += r->dev[i].in.total.energy_j;
	return e;
}

/* A SLURM job on a shared node: its CPU/DRAM share, an estimate. */
static void print_cpu_share(const struct ctk_analyze_view *v)
{
	double e = cpu_dram_j(v->r);

	if (!v->has_cpu_share)
		return;
	printf("  shared node: the job held %.3f of the node's CPUs; its CPU/DRAM share by cores is an estimate: "
	       "%.3f J of the packages' %.3f J (the totals above count the whole packages)\n", v->cpu_share,
	       e * v->cpu_share, e);
}

/* A merged multi-node run: the whole-run energy of each node. */
static void print_nodes(const struct ctk_run_result *r)
{
	if (r->nhosts < 2)
		return;
	printf("  per node:");
	for (int i = 0; i < r->ndev; i++) {
		int seen = 0, n = 0;
		for (int k = 0; k < i; k++)
			seen |= !strcmp(r->dev[k].host, r->dev[i].host);
		if (seen)
			continue;
		for (int k = 0; k < r->ndev; k++)
			n += !strcmp(r->dev[k].host, r->dev[i].host);
		char pj[64];
		printf("%s %s %s (%d device(s))", i ? ";" : "", *r->dev[i].host ? r->dev[i].host : "?",
		       ctk_fmt_pm(pj, sizeof pj, ctk_run_host_energy_j(r, r->dev[i].host),
				  ctk_run_host_energy_u_j(r, r->dev[i].host), "J", 3), n);
	}
	printf("\n");
}

static void print_devices(const struct ctk_run_result *r)
{
	char lab[64];
	int w = r->nhosts > 1 ? 20 : 8;

	printf("  %-*s %-28s %9s %9s %14s %12s %12s %-9s %8s\n", w, "device", "name", "readings", "period_s",
	       "energy_j", "\xc2\xb1" "energy_j", "energy_kwh", "method", "coverage");
	for (int i = 0; i < r->ndev; i++) {
		const struct ctk_dev_result *d = &r->dev[i];
		device_label(r, d, lab, sizeof lab);
		printf("  %-*s %-28.28s %9lld %9.3f %14.3f %12.3g %12.6f %-9s %7.1f%%\n", w, lab,
		       *d->name ? d->name : "-", (long long)d->in.readings, d->period_s,
		       d->in.total.energy_j, ctk_dev_energy_u_j(r, i, -1, NULL), d->in.total.energy_j / 3.6e6,
		       ctk_energy_method(&d->in.total),
		       100.0 * (d->in.readings > 1 ? ctk_energy_coverage(&d->in.total, d->in.first_ns, d->in.last_ns) : 0));
	}
}

/* One estimate as "v [lo, hi]", "v" without an interval, "NULL" unknown. */
static void fmt_est(char *buf, size_t size, const struct ctk_estimate *e, int prec)
{
	char v[32], lo[32], hi[32];
	if (!e->valid) {
		snprintf(buf, size, "NULL");
		return;
	}
	snprintf(v, sizeof v, "%.*f", prec, e->value);
	if (!e->has_interval) {
		snprintf(buf, size, "%s", v);
		return;
	}
	snprintf(lo, sizeof lo, "%.*f", prec, e->lo);
	snprintf(hi, sizeof hi, "%.*f", prec, e->hi);
	snprintf(buf, size, "%s [%s, %s]", v, lo, hi);
}

/* The default predictor's headline rows (after 1..5, every 10th and the
 * last epoch): energy, duration and CO2 with their intervals. */
static void print_predictions(const struct ctk_run_predictions *p)
{
	const struct ctk_predictor *def = ctk_predictor_default();
	int last = 0;

	for (int i = 0; i < p->nrows; i++)
		if (p->rows[i].after_n > last)
			last = p->rows[i].after_n;
	if (!last)
		return;
	printf("  prediction for %d epoch(s), predictor %s (default), %.0f%% interval%s:\n", p->planned,
	       def->name, 100 * p->coverage, p->has_intensity ? "" : "; no CO2: the epochs' CO2 is not known (see above)");
	printf("    %-7s %-38s %-32s %-30s %9s\n", "after_n", "energy_j [lo, hi]", "duration_s [lo, hi]",
	       "co2_g [lo, hi]", "energy_err");
	for (int i = 0; i + CTK_PT_CO2 < p->nrows; i++) {
		const struct ctk_pred_row *w = &p->rows[i];
		char eb[96], db[96], cb[96], re_s[32] = "-";
		double re;
		int n = w->after_n;
		if (w->predictor != def || w->target != CTK_PT_ENERGY || !(n <= 5 || n == last || n % 10 == 0))
			continue;
		fmt_est(eb, sizeof eb, &w->est, 1);
		fmt_est(db, sizeof db, &p->rows[i + CTK_PT_DURATION].est, 1);
		fmt_est(cb, sizeof cb, &p->rows[i + CTK_PT_CO2].est, 2);
		if (ctk_pred_row_rel_err(w, &re))
			snprintf(re_s, sizeof re_s, "%+.2f%%", 100 * re);
		printf("    %-7d %-38s %-32s %-30s %9s\n", n, eb, db, cb, re_s);
	}
}

/* The default predictor's whole-run energy (epochs + outside them) after
 * 1..5, every 10th and the last epoch, with the calibrated interval. */
static void print_run_predictions(const struct ctk_run_predictions *p)
{
	const struct ctk_predictor *def = ctk_predictor_default();
	int last = 0;

	for (int i = 0; i < p->nrun; i++)
		if (p->run_rows[i].after_n > last)
			last = p->run_rows[i].after_n;
	if (!last)
		return;
	printf("  whole run (epochs and what lies outside them), predictor %s, %.0f%% calibrated interval:\n",
	       def->name, 100 * p->coverage);
	printf("    %-7s %-38s %14s %14s %14s %9s\n", "after_n", "energy_j [lo, hi]", "observed_j", "epochs_rest_j",
	       "outside_rest_j", "error");
	for (int i = 0; i < p->nrun; i++) {
		const struct ctk_run_pred_row *w = &p->run_rows[i];
		char eb[96], os[32] = "NULL", re_s[32] = "-";
		int n = w->after_n;
		if (w->predictor != def || !(n <= 5 || n == last || n % 10 == 0))
			continue;
		fmt_est(eb, sizeof eb, &w->est, 1);
		if (w->est.valid && w->outside_known)
			snprintf(os, sizeof os, "%.1f", w->outside_rest_j);
		if (w->est.valid && w->has_actual && w->actual != 0)
			snprintf(re_s, sizeof re_s, "%+.2f%%", 100 * (w->est.value - w->actual) / w->actual);
		printf("    %-7d %-38s %14.1f %14.1f %14s %9s\n", n, eb, w->observed_j, w->epochs_rest_j, os, re_s);
	}
}

static void print_epochs(const struct ctk_run_result *r, const struct ctk_co2_result *co2)
{
	char lab[64], start[40];
	int per_dev = r->ndev <= 8;

	printf("  %-6s %-24s %10s", "epoch", "start (UTC)", "duration_s");
	for (int i = 0; per_dev && i < r->ndev; i++) {
		device_label(r, &r->dev[i], lab, sizeof lab);
		printf(" %10s_j", lab);
	}
	printf(" %14s %12s %12s %8s%s\n", "total_j", "\xc2\xb1" "total_j", "total_kwh", "coverage",
	       co2->have ? "       co2_g     \xc2\xb1" "co2_g" : "");
	/* an epoch with energy the join could not price has no CO2: NULL */
	for (int k = 0; k < r->nwin; k++) {
		int complete;
		double e = ctk_epoch_energy_j(r, k, &complete);
		ctk_time_format(r->win[k].start_ns, start, sizeof start);
		printf("  %-6lld %-24s %10.3f", (long long)r->win[k].idx, start,
		       (double)(r->win[k].end_ns - r->win[k].start_ns) / 1e9);
		for (int i = 0; per_dev && i < r->ndev; i++) {
			const struct ctk_energy *p = &r->dev[i].per[k];
			if (p->used_counter || p->used_power)
				printf(" %12.3f", p->energy_j);
			else
				printf(" %12s", "NULL");
		}
		if (complete) /* else unknown, as in the JSON: never a partial sum or 0 */
			printf(" %14.3f %12.3g %12.6f %7.1f%%", e, ctk_epoch_energy_u_j(r, k, NULL), e / 3.6e6,
			       100.0 * ctk_epoch_coverage(r, k));
		else
			printf(" %14s %12s %12s %7.1f%%", "NULL", "NULL", "NULL", 100.0 * ctk_epoch_coverage(r, k));
		if (co2->have && co2->epoch_missing_j[k] == 0)
			printf(" %11.3f %10.3g", co2->epoch_g[k], ctk_epoch_co2_u_g(r, co2, k));
		else if (co2->have)
			printf(" %11s %10s", "NULL", "NULL");
		printf("%s%s\n", complete ? "" : "  (some device has no readings)",
		       r->win[k].first ? "" : "  (epoch seen again)");
	}
	if (r->attempts_repeated)
		printf("  %d epoch window(s) repeat an epoch number (resumed run, or a checkpoint line the\n"
		       "  --epoch-regex matched): kept as further attempts, each counted once in the energy;\n"
		       "  the predictions take an epoch's attempts together\n", r->attempts_repeated);
}

static void print_co2(const struct ctk_analyze_view *v)
{
	const struct ctk_co2_result *c = v->co2;
	char words[320];

	ctk_settings_words(v->settings, words, sizeof words);
	printf("  settings: %s\n", words);
	if (!c->have || !c->known) {
		printf("  CO2 not known: %s\n", c->note);
		if (!c->have)
			return;
		if (c->priced_g > 0)
			printf("  priced part only: %.3f g at PUE %.2f (a lower bound, not the run's CO2)\n", c->priced_g, v->pue);
		return;
	}
	char tmean[32];
	if (c->res.mean_g_per_kwh_time == c->res.mean_g_per_kwh_time)
		snprintf(tmean, sizeof tmean, "%.1f g/kWh", c->res.mean_g_per_kwh_time);
	else
		snprintf(tmean, sizeof tmean, "n/a (no hourly series)");
	struct ctk_co2_u cu;
	char pm[96];
	ctk_run_co2_u(v->r, c, &cu);
	printf("  CO2: %s at PUE %.2f (zone %s, %s signal%s%s); intensity %.1f g/kWh energy-weighted, "
	       "time mean %s\n", ctk_fmt_pm(pm, sizeof pm, c->co2_g, cu.co2_g, "g", 3), v->pue, c->zone,
	       c->res.signal, c->source[0] ? ", " : "", c->source, c->res.mean_g_per_kwh_energy, tmean);
	printf("  (\xc2\xb1 CO2: %s)\n", CTK_UNCERT_CO2_NOTE);
	if (c->res.missing_share > 0)
		printf("  %.1f%% of the energy had no intensity value and is not priced (--fill previous; or the "
		       "bundled yearly value: ctk intensity default --zone %s --store --db DB, then --fill default)\n",
		       100.0 * c->res.missing_share, c->zone);
	if (c->res.fill_note[0])
		printf("  filled: %s\n", c->res.fill_note);
	if (c->res.estimated_share > 0)
		printf("  %.1f%% of the energy priced with estimated or forecast intensity\n",
		       100.0 * c->res.estimated_share);
}

void ctk_analyze_print(const struct ctk_analyze_view *v)
{
	const struct ctk_run_result *r = v->r;
	char a[40], b[40], ct[4096], pj[96], pk[96];
	double total = ctk_run_energy_j(r), in = ctk_run_epochs_energy_j(r), gap;
	double u = ctk_run_energy_u_j(r, &gap), uin = ctk_run_epochs_energy_u_j(r);

	printf("run %lld  %s  (%s)%s\n", (long long)r->run_id, r->label, r->source,
	       r->simulated ? "  [simulated device]" : "");
	if (r->has_span) {
		ctk_time_format(r->started_ns, a, sizeof a);
		ctk_time_format(r->ended_ns, b, sizeof b);
		printf("  %s -> %s  %.3f s  %d device(s)%s%s\n", a, b, (double)(r->ended_ns - r->started_ns) / 1e9,
		       r->ndev, *r->tz ? "  times read in " : "", r->tz);
	}
	print_devices(r);
	print_nodes(r);
	print_cpu_share(v);
	printf("  whole run: %s = %s (devices summed, first to last reading), coverage %.1f%%\n",
	       ctk_fmt_pm(pj, sizeof pj, total, u, "J", 3), ctk_fmt_pm(pk, sizeof pk, total / 3.6e6, u / 3.6e6, "kWh", 6),
	       100.0 * ctk_run_coverage(r));
	printf("  \xc2\xb1: worst-case bound from the signal (counter resolution; sampling interval x power change;\n"
	       "  averaged power's lag; gaps x power bound); sums add their bounds%s\n",
	       gap > 0 ? "" : "; no gaps");
	if (gap > 0)
		printf("  gap: %.1f s without readings at most 2 periods apart (a device's longest), its energy bounded\n"
		       "  by the power limit or the highest power seen\n", gap);
	if (v->pue != 1.0)
		printf("  facility energy at PUE %.2f: %.3f J = %.6f kWh (%s)\n", v->pue, total * v->pue,
		       total * v->pue / 3.6e6, v->pue_source);
	struct ctk_baseline bl;
	if (ctk_run_baseline(r, &bl))
		printf("  baseline: idle %.1f W (devices summed, over %.1f s); after it: gross %.3f J - idle %.3f J "
		       "= net %.3f J (%.1f%% above idle)\n", bl.idle_w, bl.baseline_s, bl.gross_j, bl.idle_j, bl.net_j,
		       bl.gross_j > 0 ? 100.0 * bl.net_j / bl.gross_j : 0.0);
	else if (r->nbase)
		printf("  baseline window present but not every device has readings in it: no idle figure\n");
	print_co2(v);
	ctk_analyze_print_footprint(v->fp);
	if (v->ct) {
		ctk_ct_compare_format(v->ct, ct, sizeof ct);
		printf("%s\n", ct);
	}
	if (r->nwin == 0) {
		printf("  no epochs (add them: ctk import epochs FILE --db DB --run %lld)\n\n", (long long)r->run_id);
		return;
	}
	print_epochs(r, v->co2);
	char po[96];
	if (!ctk_run_epochs_known(r)) {
		printf("  in %d epoch(s): not known (a device has no energy in an epoch, see above); outside epochs: "
		       "not known\n", r->nwin);
	} else {
		printf("  in %d epoch(s): %s = %s; outside epochs: %s (%.1f%% of the run)\n", r->nwin,
		       ctk_fmt_pm(pj, sizeof pj, in, uin, "J", 3),
		       ctk_fmt_pm(pk, sizeof pk, in / 3.6e6, uin / 3.6e6, "kWh", 6),
		       ctk_fmt_pm(po, sizeof po, total - in, ctk_run_outside_u_j(r), "J", 3),
		       total > 0 ? 100.0 * (total - in) / total : 0.0);
	}
	if (v->co2->known) {
		struct ctk_co2_u cu;
		ctk_run_co2_u(r, v->co2, &cu);
		printf("  CO2 in epochs: %s; outside epochs: %s (together the run's %.3f g)\n",
		       ctk_fmt_pm(pj, sizeof pj, v->co2->epochs_g, cu.epochs_g, "g", 3),
		       ctk_fmt_pm(po, sizeof po, v->co2->outside_g, cu.outside_g, "g", 3), v->co2->co2_g);
	}
	print_predictions(v->pred);
	print_run_predictions(v->pred);
	printf("\n");
}

/* Benchmark input generator: writes an nvidia-smi CSV (`timestamp, index,
 * power.draw [W], utilization.gpu [%]`) for G GPUs at 10 Hz over H hours, the
 * shape of `nvidia-smi --query-gpu=… --format=csv -lms 100`, with a
 * deterministic noisy power curve. usage: gen_nvsmi GPUS HOURS > file.csv */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int gpus = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 8;
	double hours = argc > 2 ? strtod(argv[2], NULL) : 24;
	long ticks = (long)(hours * 36000);
	uint64_t x = 0x9E3779B97F4A7C15u;
	int64_t t_ms = 0; /* milliseconds since 2025-07-26 00:00:00 local */

	printf("timestamp, index, power.draw [W], utilization.gpu [%%]\n");
	for (long k = 0; k < ticks; k++) {
		t_ms = k * 100;
		for (int g = 0; g < gpus; g++) {
			int64_t ms = t_ms + g; /* rows of one tick 1 ms apart */
			int64_t s = ms / 1000, day = 26 + s / 86400, sod = s % 86400;
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			double p = 300 + 200 * ((k / 600 + g) % 2) + (double)(x % 5000) / 100.0;
			printf("2025/07/%02lld %02lld:%02lld:%02lld.%03lld, %d, %.2f W, %d %%\n", (long long)day,
			       (long long)(sod / 3600), (long long)(sod / 60 % 60), (long long)(sod % 60),
			       (long long)(ms % 1000), g, p, (int)(x % 100));
		}
	}
	return 0;
}

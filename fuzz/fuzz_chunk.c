/* libFuzzer target: decoding a stored chunk of readings from arbitrary bytes
 * (a corrupt or hostile store) must fail cleanly, never overrun. */
#include <stdint.h>
#include <stdlib.h>

#include "common/samples.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctk_reading out[64];
	int n;

	if (size < 1)
		return 0;
	n = 1 + data[0] % 64;
	ctk_chunk_decode(data + 1, size - 1, 1700000000000000000, n, out);
	return 0;
}

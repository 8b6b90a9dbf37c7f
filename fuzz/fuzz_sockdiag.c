/* fuzz_sockdiag.c - the NETLINK_SOCK_DIAG reply parser (netlink message
 * headers, inet_diag_msg, attributes).  Input: one selector byte (bit 0:
 * udp), then the bytes of one receive buffer. */
#include <stdlib.h>
#include <string.h>

#include "host/host_sockets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pk_host_sockets *s = NULL;
	pk_error err;
	bool done;

	if (size < 1 || pk__host_sockets_begin(false, &s) != PK_OK)
		return 0;
	/* A copy of exactly size-1 bytes, so ASan sees any overread. */
	uint8_t *buf = malloc(size - 1 ? size - 1 : 1);
	if (buf != NULL) {
		memcpy(buf, data + 1, size - 1);
		if (pk__sockdiag_parse(s, buf, size - 1,
				      data[0] & 1 ? PK_PROTO_UDP : PK_PROTO_TCP,
				      &done, &err) == PK_OK)
			pk__host_sockets_finish(s);
	}
	free(buf);
	pk_host_sockets_free(s);
	return 0;
}

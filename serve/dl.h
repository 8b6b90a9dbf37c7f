/* dl.h - libmicrohttpd, loaded with dlopen() when `portkit serve` starts:
 * every other command maps libc alone (as `portkit update` loads libcurl),
 * and its start-up cost is not paid by `portkit 443`.  Its header gives the
 * types and constants; the calls go through here.  (zlib needs no loading:
 * the CLI links it statically, for gzip input.) */
#ifndef PK_SERVE_DL_H
#define PK_SERVE_DL_H

#include <microhttpd.h>

typedef struct serve_mhd {
	void *handle;
	struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
					   MHD_AcceptPolicyCallback apc, void *apc_cls,
					   MHD_AccessHandlerCallback dh, void *dh_cls, ...);
	void (*stop_daemon)(struct MHD_Daemon *daemon);
	struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
							    enum MHD_ResponseMemoryMode mode);
	enum MHD_Result (*add_response_header)(struct MHD_Response *response,
					       const char *header, const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *connection,
					  unsigned int status_code,
					  struct MHD_Response *response);
	void (*destroy_response)(struct MHD_Response *response);
	const char *(*lookup_connection_value)(struct MHD_Connection *connection,
					       enum MHD_ValueKind kind, const char *key);
	const union MHD_ConnectionInfo *(*get_connection_info)(
		struct MHD_Connection *connection, enum MHD_ConnectionInfoType info_type, ...);
} serve_mhd;

/* 0, or -1 with a message in why (size bytes). */
int serve_mhd_load(serve_mhd *m, char *why, size_t size);

#endif /* PK_SERVE_DL_H */

/* fw_internal.h - lib/firewall's private header: the rule set the
 * renderers of lib/render/firewall.c write out. */
#ifndef PK_FW_INTERNAL_H
#define PK_FW_INTERNAL_H

#include "core/internal.h"

#define PK_FW_MAX_RANGES 65536u
#define PK_FW_MAX_SOURCES 256u
#define PK_FW_MAX_WHAT 4096u
/* iptables' multiport match takes 15 ports, a range counting as two. */
#define PK_FW_MULTIPORT_MAX 15u

typedef struct pk_fw_range {
	uint16_t lo, hi;
} pk_fw_range;

/* The rules of one direction. */
typedef struct pk_fw_half {
	pk_fw_range *ranges[PK_PROTO_COUNT]; /* sorted, merged, per transport */
	size_t n[PK_PROTO_COUNT];
	bool ipproto[256];                   /* GRE, ESP, ... by number */
} pk_fw_half;

/* A connection-tracking helper: the kernel's name for it, the
 * transport and port it watches. */
typedef struct pk_fw_helper {
	const char *name;    /* as the catalog spells it: "h323" */
	const char *type;    /* the kernel helper's name: "Q.931" */
	pk_proto proto;
	uint16_t port;
} pk_fw_helper;

struct pk_fw {
	pk_direction dirs;
	pk_fw_half half[2]; /* [0] inbound, [1] outbound */
	char **sources;     /* validated addresses, with their prefix */
	bool *source_v6;
	size_t nsources;
	uint32_t helpers;   /* bits into pk__fw_helpers */
	bool drop;
	char name[33];
	char **what;        /* what was asked, in order: "ssh", "8080/tcp" */
	size_t nwhat;
	char *title;        /* the first application's title, or NULL */
};

/* The helpers the generator knows, in a fixed order; n receives their
 * number. */
const pk_fw_helper *pk__fw_helpers(size_t *n);

/* Entries of the merged ranges of one transport and half in iptables'
 * multiport counting (a range two). */
size_t pk__fw_multiport_weight(const pk_fw_range *r, size_t n);

#endif /* PK_FW_INTERNAL_H */

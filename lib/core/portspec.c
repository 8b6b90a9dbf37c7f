/* portspec.c - the one bounded parser for ports, ranges and transports,
 * and the RFC 6335 classes of the port number space. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static const char *const proto_names[PK_PROTO_COUNT] = {
	"", "tcp", "udp", "sctp", "dccp"
};

const char *pk_proto_name(pk_proto proto)
{
	if ((unsigned)proto >= PK_PROTO_COUNT)
		return "";
	return proto_names[proto];
}

const char *pk__protomask_format(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
		if (!(mask & PK_PROTOMASK(p)))
			continue;
		int w = snprintf(buf + len, size - len, "%s%s",
				 len > 0 ? "," : "", pk_proto_name((pk_proto)p));
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

pk_status pk_proto_parse(const char *s, size_t len, pk_proto *out,
			 pk_error *err)
{
	for (unsigned p = PK_PROTO_TCP; p < PK_PROTO_COUNT; p++) {
		if (strlen(proto_names[p]) == len &&
		    pk__strncasecmp(s, proto_names[p], len) == 0) {
			*out = (pk_proto)p;
			return PK_OK;
		}
	}
	return pk__error_set(err, PK_INVAL,
			    "'%.*s' is not a transport (tcp, udp, sctp or dccp)",
			    len > 64 ? 64 : (int)len, s);
}

pk_port_class pk_port_class_of(uint16_t port)
{
	if (port <= 1023)
		return PK_CLASS_SYSTEM;
	if (port <= 49151)
		return PK_CLASS_USER;
	return PK_CLASS_DYNAMIC;
}

const char *pk_port_class_name(pk_port_class cls)
{
	switch (cls) {
	case PK_CLASS_SYSTEM:
		return "System";
	case PK_CLASS_USER:
		return "User";
	case PK_CLASS_DYNAMIC:
		return "Dynamic/Private";
	}
	return "?";
}

void pk_port_class_bounds(pk_port_class cls, uint16_t *lo, uint16_t *hi)
{
	static const uint16_t bounds[3][2] = {
		{ 0, 1023 }, { 1024, 49151 }, { 49152, 65535 }
	};
	unsigned i = (unsigned)cls < 3 ? (unsigned)cls : 0;

	*lo = bounds[i][0];
	*hi = bounds[i][1];
}

/* Quotes user input for a message: at most 40 bytes, non-printable bytes
 * as \xNN, so a 10 kB or binary argument still gives a readable line. */
static const char *quote_input(const char *s, char *buf, size_t size)
{
	size_t o = 0;
	size_t i = 0;

	for (; s[i] != '\0' && i < 40 && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (s[i] != '\0' && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* Parses the decimal at s[0..len): digits only, at most 5, value <= 65535. */
static bool parse_number(const char *s, size_t len, uint16_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0)
		return false;
	/* Leading zeros are fine ("0080"), but they must not let a huge
	 * number sneak past the digit limit. */
	for (i = 0; i + 1 < len && s[i] == '0'; i++)
		;
	if (len - i > 5)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static pk_status bad_port(const char *whole, const char *what, pk_error *err)
{
	char q[200];

	return pk__error_set(err, PK_INVAL, "invalid port '%s': %s",
			    quote_input(whole, q, sizeof q), what);
}

pk_status pk_port_parse(const char *s, uint16_t *out, pk_error *err)
{
	if (s == NULL || !parse_number(s, strlen(s), out))
		return bad_port(s ? s : "", "expected 0-65535", err);
	return PK_OK;
}

pk_status pk_portspec_parse(const char *s, pk_portspec *out, pk_error *err)
{
	const char *slash;
	const char *dash;
	size_t portlen;
	pk_portspec spec = { 0, 0, 0 };

	if (s == NULL || s[0] == '\0')
		return bad_port("", "empty; expected 0-65535, LO-HI or PORT/PROTO",
				err);
	slash = strchr(s, '/');
	portlen = slash ? (size_t)(slash - s) : strlen(s);
	dash = memchr(s, '-', portlen);
	if (dash == NULL) {
		if (!parse_number(s, portlen, &spec.lo))
			return bad_port(s, "expected 0-65535", err);
		spec.hi = spec.lo;
	} else {
		size_t lolen = (size_t)(dash - s);
		size_t hilen = portlen - lolen - 1;
		if (lolen == 0)
			return bad_port(s, "expected 0-65535 or LO-HI (a port has no sign)",
					err);
		if (hilen == 0)
			return bad_port(s, "expected a range LO-HI with both ends in 0-65535",
					err);
		if (!parse_number(s, lolen, &spec.lo) ||
		    !parse_number(dash + 1, hilen, &spec.hi))
			return bad_port(s, "expected a range LO-HI with both ends in 0-65535",
					err);
		if (spec.lo > spec.hi)
			return bad_port(s, "range is reversed; expected LO <= HI",
					err);
	}
	if (slash != NULL) {
		const char *p = slash + 1;
		for (;;) {
			size_t n = strcspn(p, ",/");
			pk_proto proto;
			if (n == 0 || pk_proto_parse(p, n, &proto, NULL) != PK_OK) {
				char q[200];
				return pk__error_set(err, PK_INVAL,
						    "invalid transport in '%s': expected tcp, udp, sctp or dccp",
						    quote_input(s, q, sizeof q));
			}
			spec.protos |= PK_PROTOMASK(proto);
			if (p[n] == '\0')
				break;
			p += n + 1;
		}
	}
	*out = spec;
	return PK_OK;
}

/* The transport of an nmap prefix letter ("T:"), or PK_PROTO_NONE. */
static pk_proto prefix_proto(const char *s)
{
	static const char letters[] = "tusd";
	const char *l;

	if (s[0] == '\0' || s[1] != ':' || (l = strchr(letters, s[0] | 0x20)) == NULL)
		return PK_PROTO_NONE;
	return (pk_proto)(PK_PROTO_TCP + (l - letters));
}

/* Whether s[0..n) names a transport ("udp"). */
static bool is_proto_word(const char *s, size_t n)
{
	pk_proto p;

	return n > 0 && pk_proto_parse(s, n, &p, NULL) == PK_OK;
}

bool pk_portlist_looks_like(const char *s)
{
	bool slash_before = false;

	if (s == NULL || s[0] == '\0')
		return false;
	for (;;) {
		size_t n = strcspn(s, ",");
		if (slash_before && is_proto_word(s, n)) {
			/* "9/tcp,udp": still the element before */
		} else {
			const char *e = s;
			if (prefix_proto(e) != PK_PROTO_NONE)
				e += 2;
			size_t elen = n - (size_t)(e - s);
			size_t portlen = strcspn(e, ",/");
			if (portlen > elen)
				portlen = elen;
			if (portlen == 0 || strspn(e, "0123456789-") < portlen)
				return false;
			slash_before = memchr(e, '/', elen) != NULL;
		}
		if (s[n] == '\0')
			return true;
		s += n + 1;
	}
}

pk_status pk_portlist_parse(const char *s, pk_portspec *out, size_t cap,
			    size_t *count, pk_error *err)
{
	pk_proto prefix = PK_PROTO_NONE;
	size_t k = 0;
	bool slash_before = false;
	char q[200];

	*count = 0;
	if (s == NULL || s[0] == '\0')
		return bad_port("", "empty; expected a port list such as 80,443,8000-8100 or T:80,U:53",
				err);
	for (const char *p = s;;) {
		size_t n = strcspn(p, ",");
		pk_proto proto;
		if (slash_before && n > 0 && pk_proto_parse(p, n, &proto, NULL) == PK_OK) {
			/* "9/tcp,udp": another transport of the element before. */
			if (k <= cap)
				out[k - 1].protos |= PK_PROTOMASK(proto);
		} else {
			const char *e = p;
			char item[64];
			pk_portspec spec;
			if (prefix_proto(e) != PK_PROTO_NONE) {
				prefix = prefix_proto(e);
				e += 2;
			}
			size_t elen = n - (size_t)(e - p);
			if (elen == 0 || elen >= sizeof item)
				return pk__error_set(err, PK_INVAL,
						    "invalid port list '%s': element %zu is %s; expected PORT, LO-HI or PORT/PROTO, optionally after T:, U:, S: or D:",
						    quote_input(s, q, sizeof q), k + 1,
						    elen == 0 ? "empty" : "too long");
			memcpy(item, e, elen);
			item[elen] = '\0';
			pk_error perr;
			if (pk_portspec_parse(item, &spec, &perr) != PK_OK)
				return pk__error_set(err, PK_INVAL, "%s (element %zu of the port list '%s')",
						    perr.message, k + 1, quote_input(s, q, sizeof q));
			if (spec.protos == 0 && prefix != PK_PROTO_NONE)
				spec.protos = PK_PROTOMASK(prefix);
			slash_before = memchr(item, '/', elen) != NULL;
			if (k < cap)
				out[k] = spec;
			k++;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*count = k;
	return PK_OK;
}

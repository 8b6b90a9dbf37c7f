/*
 * import_xml.c - IANA's service-names-port-numbers.xml, the primary,
 * full-fidelity source (docs/import.md describes the mapping).
 *
 * The 4 MB file is streamed through expat: no tree is built.  The text of
 * the element being read goes into one arena that is reset at every
 * <record> and <person>, so a record costs no allocation of its own; the
 * builder copies what it keeps.
 *
 * Records that cite a footnote (<xref type="note" data="1"/>) are held
 * back until the end, because <footnote> comes after the records: the
 * footnote's text is then appended to their notes.
 */
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/import/import.h"

/* pk__import_begin()'s cap keeps every input within expat's int length. */
_Static_assert(PK_IMPORT_MAX_BYTES <= (size_t)INT_MAX,
	       "inputs must fit XML_Parse's int length");

enum xfield {
	XF_NONE = 0,
	/* the fields a record keeps */
	XF_NAME,
	XF_PROTOCOL,
	XF_NUMBER,
	XF_DESCRIPTION,
	XF_NOTE,
	XF_UNAUTHORIZED,
	XF_SC,
	XF_REC_COUNT_,
	/* transient text */
	XF_XREF = XF_REC_COUNT_,
	XF_TITLE,
	XF_UPDATED,
	XF_FOOTNOTE,
	XF_P_NAME,
	XF_P_ORG,
	XF_P_URI,
	XF_P_UPDATED,
	XF_COUNT_
};

static const char *const field_tag[XF_COUNT_] = {
	"", "name", "protocol", "number", "description", "note",
	"unauthorized", "sc", "xref", "title", "updated", "footnote",
	"name", "org", "uri", "updated"
};

/* Where the parser is, outside any text field. */
enum xwhere { XW_DOC, XW_REGISTRY, XW_RECORD, XW_ASSIGNEE, XW_PEOPLE,
	      XW_PERSON, XW_DONE };

/* What a collected xref is: a reference type (PK_REF_RFC .. PK_REF_NOTE),
 * or one of these. */
enum { XI_CONTACT = 16, XI_ASSIGNEE, XI_ASSIGNEE_TEXT };

typedef struct xitem {
	uint32_t what;
	uint32_t off; /* arena offset of the NUL-terminated data */
} xitem;

/* One record as read, strings as offsets into an arena (0 = absent). */
typedef struct xrec {
	size_t pos; /* byte offsets, like every position */
	size_t fpos[XF_REC_COUNT_];
	uint32_t off[XF_REC_COUNT_];
	uint32_t registered;
	uint32_t modified;
	xitem *items;
	size_t nitems;
	size_t capitems;
	bool cites_note;
	bool bad; /* a warning was given: the record is skipped */
} xrec;

typedef struct xdeferred {
	struct xdeferred *next;
	xrec rec;    /* items point into this allocation too */
	char *arena; /* a copy of the record's arena */
} xdeferred;

typedef struct xctx {
	XML_Parser parser;
	const char *data;
	size_t len;
	pk_builder *b;
	const char *label;
	pk_error *err;
	pk_status st;

	int depth;
	enum xwhere where;
	int skip_depth; /* > 0: inside an ignored element at this depth */

	/* The text field being collected. */
	enum xfield field;
	int field_depth;
	size_t field_start;
	size_t field_pos;
	/* An inline <xref> inside rich text: "[label]". */
	int ix_depth;
	size_t ix_label;
	bool ix_default; /* the label is still the one made from data */
	/* A record-level <xref>: its kind and data, set at its start. */
	uint32_t xref_what;
	uint32_t xref_data;

	pk_buf arena;
	pk_buf atext; /* direct text of <assignee> */
	xrec rec;

	/* <person> */
	uint32_t p_id;
	uint32_t p_off[XF_COUNT_];
	size_t p_pos;

	pk_buf footnotes; /* "anchor\0text\0" pairs */
	xdeferred *deferred;
	xdeferred **deferred_tail;

	uint32_t records;
	bool saw_people;
	char alias[128];
} xctx;

/* ---- errors --------------------------------------------------------- */

/* Positions are byte offsets, turned into line numbers only for a
 * message: expat's own line counting would rescan the whole input. */
static size_t cur_pos(const xctx *x)
{
	XML_Index i = XML_GetCurrentByteIndex(x->parser);

	return i < 0 ? x->len : (size_t)i;
}

static void stop(xctx *x)
{
	if (x->parser != NULL)
		XML_StopParser(x->parser, XML_FALSE);
}

static pk_status fail_at(xctx *x, size_t pos, pk_status st,
			 const char *fmt, ...) PK_PRINTF(4, 5);

static pk_status fail_at(xctx *x, size_t pos, pk_status st,
			 const char *fmt, ...)
{
	char msg[PK_ERROR_MESSAGE_SIZE];
	va_list ap;

	if (x->st != PK_OK)
		return x->st;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x->st = pk__import_fail(x->err, st, x->label,
			       pk__line_at(x->data, pos < x->len ? pos : x->len),
			       "%s", msg);
	stop(x);
	return x->st;
}

/* A malformed record: a warning, and the record is skipped; strict (or
 * no report), it is the error, as fail_at. */
static pk_status skip_at(xctx *x, size_t pos, const char *fmt, ...)
	PK_PRINTF(3, 4);

static pk_status skip_at(xctx *x, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (x->st != PK_OK)
		return x->st;
	va_start(ap, fmt);
	pk_status st = pk__import_vwarn(x->b, x->err, x->label,
					pk__line_at(x->data, pos < x->len ? pos : x->len), "record", fmt, ap);
	va_end(ap);
	if (st != PK_OK) {
		x->st = st;
		stop(x);
	}
	return st;
}

/* A failed pk_buf or builder call. */
static pk_status fail_status(xctx *x, size_t pos, pk_status st)
{
	if (st == PK_NOMEM)
		return fail_at(x, pos, st, "out of memory");
	if (st == PK_TOOBIG && pk__builder_limit(x->b) != NULL)
		return fail_at(x, pos, st, "%s", pk__builder_limit(x->b));
	if (st == PK_TOOBIG)
		return fail_at(x, pos, st,
			       "text too large (expected at most %zu bytes)",
			       (size_t)PK_IMPORT_MAX_BYTES);
	return fail_at(x, pos, st, "the registry builder refused this (%s)",
		       pk_strerror(st));
}

/* ---- the arena -------------------------------------------------------- */

static void arena_reset(xctx *x)
{
	/* Offset 0 is a lone NUL: "absent". */
	x->arena.len = 1;
	x->arena.data[0] = '\0';
}

static pk_status arena_add(xctx *x, const char *s, size_t n)
{
	pk_buf *a = &x->arena;
	pk_status st;

	/* The hot path of the importer: most text fits, so skip the
	 * general growth code. */
	if (n < a->cap - a->len) {
		memcpy(a->data + a->len, s, n);
		a->len += n;
		a->data[a->len] = '\0';
		return PK_OK;
	}
	if ((st = pk__buf_add(a, s, n)) != PK_OK)
		return fail_status(x, cur_pos(x), st);
	return PK_OK;
}

/* Appends a NUL-terminated copy of s; returns its offset, 0 on failure. */
static uint32_t arena_str(xctx *x, const char *s)
{
	size_t off = x->arena.len;

	if (off > UINT32_MAX - 1) {
		fail_status(x, cur_pos(x), PK_TOOBIG);
		return 0;
	}
	if (arena_add(x, s, strlen(s) + 1) != PK_OK)
		return 0;
	return (uint32_t)off;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* Several attributes in one pass over atts: vals[k] receives the value
 * of names[k], or NULL.  The first letters are compared before strcmp,
 * which then runs about once per attribute found. */
static void attrs(const XML_Char **atts, const char *const *names,
		  const char **vals, size_t n)
{
	for (size_t k = 0; k < n; k++)
		vals[k] = NULL;
	for (size_t i = 0; atts[i] != NULL; i += 2)
		for (size_t k = 0; k < n; k++)
			if (vals[k] == NULL && atts[i][0] == names[k][0] &&
			    strcmp(atts[i], names[k]) == 0) {
				vals[k] = atts[i + 1];
				break;
			}
}

/* The element name without a namespace prefix. */
static const char *local(const XML_Char *tag)
{
	const char *colon = strrchr(tag, ':');

	return colon != NULL ? colon + 1 : tag;
}

/* The record field an element name stands for, or XF_NONE. */
static enum xfield record_field(const char *name)
{
	switch (name[0]) {
	case 'n':
		return strcmp(name, "name") == 0     ? XF_NAME
		       : strcmp(name, "number") == 0 ? XF_NUMBER
		       : strcmp(name, "note") == 0   ? XF_NOTE
						     : XF_NONE;
	case 'p':
		return strcmp(name, "protocol") == 0 ? XF_PROTOCOL : XF_NONE;
	case 'd':
		return strcmp(name, "description") == 0 ? XF_DESCRIPTION : XF_NONE;
	case 'u':
		return strcmp(name, "unauthorized") == 0 ? XF_UNAUTHORIZED : XF_NONE;
	case 's':
		return strcmp(name, "sc") == 0 ? XF_SC : XF_NONE;
	default:
		return XF_NONE;
	}
}

static bool rich(enum xfield f)
{
	return f == XF_DESCRIPTION || f == XF_NOTE || f == XF_UNAUTHORIZED ||
	       f == XF_FOOTNOTE;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len);

/* Text matters only inside fields and <assignee>: elsewhere expat need
 * not call us for the indentation between elements. */
static void want_text(xctx *x, bool on)
{
	XML_SetCharacterDataHandler(x->parser, on ? on_text : NULL);
}

static pk_status begin_field(xctx *x, enum xfield f)
{
	want_text(x, true);
	x->field = f;
	x->field_depth = x->depth;
	x->field_start = x->arena.len;
	x->field_pos = cur_pos(x);
	return PK_OK;
}

static pk_status push_item(xctx *x, uint32_t what, uint32_t off)
{
	xrec *r = &x->rec;

	if (r->nitems == r->capitems) {
		size_t cap = r->capitems ? r->capitems * 2 : 16;
		xitem *p = realloc(r->items, cap * sizeof *p);
		if (p == NULL)
			return fail_status(x, cur_pos(x), PK_NOMEM);
		r->items = p;
		r->capitems = cap;
	}
	r->items[r->nitems].what = what;
	r->items[r->nitems].off = off;
	r->nitems++;
	if (what == PK_REF_NOTE)
		r->cites_note = true;
	return PK_OK;
}

static int ref_type(const char *type)
{
	static const char *const names[] = { "rfc", "draft", "uri", "text",
					     "note", "person" };

	/* The first letters differ: one strcmp decides. */
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
		if (type[0] == names[i][0])
			return strcmp(type, names[i]) == 0 ? i : -1;
	return -1;
}

/* ---- record-level and assignee <xref> ---------------------------------- */

static pk_status begin_xref(xctx *x, const XML_Char **atts, bool in_assignee)
{
	static const char *const names[] = { "type", "data", "section" };
	const char *v[3];
	int t;

	attrs(atts, names, v, 3);
	const char *type = v[0], *data = v[1], *section = v[2];

	if (type == NULL)
		return fail_at(x, cur_pos(x), PK_PARSE,
				     "<xref> without a type attribute (expected type=\"rfc\", \"draft\", \"uri\", \"text\", \"note\" or \"person\")");
	t = ref_type(type);
	if (in_assignee)
		x->xref_what = t == PK_REF_PERSON ? XI_ASSIGNEE : XI_ASSIGNEE_TEXT;
	else if (t == PK_REF_PERSON)
		x->xref_what = XI_CONTACT;
	else
		x->xref_what = t >= 0 ? (uint32_t)t : PK_REF_TEXT;
	/* data (with "#section-N", which keeps it a working link), stored
	 * before the element's text, which is used when data is absent. */
	x->xref_data = 0;
	if (data != NULL && data[0] != '\0') {
		size_t off = x->arena.len;
		if (arena_add(x, data, strlen(data)) != PK_OK)
			return x->st;
		if (section != NULL && section[0] != '\0' &&
		    (arena_add(x, "#section-", 9) != PK_OK ||
		     arena_add(x, section, strlen(section)) != PK_OK))
			return x->st;
		if (arena_add(x, "", 1) != PK_OK)
			return x->st;
		x->xref_data = (uint32_t)off;
	}
	return begin_field(x, XF_XREF);
}

static pk_status end_xref(xctx *x, char *text)
{
	uint32_t off = x->xref_data;

	if (off == 0) {
		size_t n = pk__text_clean(text, strlen(text));
		if (n == 0)
			return fail_at(x, x->field_pos, PK_PARSE,
					     "empty <xref> (expected a data attribute or text)");
		off = (uint32_t)(text - x->arena.data);
	}
	return push_item(x, x->xref_what, off);
}

/* ---- inline markup inside description, note, unauthorized, footnote --- */

static pk_status inline_start(xctx *x, const char *name, const XML_Char **atts)
{
	if (!rich(x->field))
		return PK_OK; /* plain fields just collect the text */
	if (strcmp(name, "br") == 0 || strcmp(name, "paragraph") == 0)
		return arena_add(x, "\n", 1);
	if (strcmp(name, "xref") == 0 && x->ix_depth == 0) {
		/* IANA's CSV shows an inline reference as [RFC6614],
		 * [Bernie_Volz] or [https://...]: its text if it has one,
		 * else its data, RFCs in upper case. */
		static const char *const names[] = { "type", "data" };
		const char *v[2];
		attrs(atts, names, v, 2);
		const char *type = v[0], *data = v[1];
		if (arena_add(x, "[", 1) != PK_OK)
			return x->st;
		x->ix_depth = x->depth;
		x->ix_label = x->arena.len;
		x->ix_default = true;
		if (data == NULL)
			return PK_OK;
		if (type != NULL && strcmp(type, "rfc") == 0 &&
		    strncmp(data, "rfc", 3) == 0) {
			if (arena_add(x, "RFC", 3) != PK_OK)
				return x->st;
			data += 3;
		}
		return arena_add(x, data, strlen(data));
	}
	return PK_OK;
}

static pk_status inline_end(xctx *x, const char *name, int depth)
{
	if (!rich(x->field))
		return PK_OK;
	if (x->ix_depth == depth) {
		x->ix_depth = 0;
		return arena_add(x, "]", 1);
	}
	if (strcmp(name, "paragraph") == 0)
		return arena_add(x, "\n", 1);
	return PK_OK;
}

/* ---- records ---------------------------------------------------------- */

static pk_status begin_record(xctx *x, const XML_Char **atts)
{
	static const char *const names[] = { "date", "updated" };
	xrec *r = &x->rec;
	const char *v[2];
	char q[PK_QUOTE_SIZE];

	attrs(atts, names, v, 2);
	const char *date = v[0], *updated = v[1];

	arena_reset(x);
	r->pos = cur_pos(x);
	memset(r->off, 0, sizeof r->off);
	memset(r->fpos, 0, sizeof r->fpos);
	r->registered = r->modified = 0;
	r->nitems = 0;
	r->cites_note = false;
	r->bad = false;
	x->where = XW_RECORD;
	if (date != NULL && !pk__date_valid(date)) {
		r->bad = true;
		return skip_at(x, r->pos,
			       "invalid date=\"%s\" (expected YYYY-MM-DD or YYYY-MM)",
			       pk__quote(date, strlen(date), q, sizeof q));
	}
	if (updated != NULL && !pk__date_valid(updated)) {
		r->bad = true;
		return skip_at(x, r->pos,
			       "invalid updated=\"%s\" (expected YYYY-MM-DD or YYYY-MM)",
			       pk__quote(updated, strlen(updated), q, sizeof q));
	}
	if (date != NULL && (r->registered = arena_str(x, date)) == 0)
		return x->st;
	if (updated != NULL && (r->modified = arena_str(x, updated)) == 0)
		return x->st;
	return PK_OK;
}

/* Checks a record's fields and fills *in (strings point into arena). */
static pk_status record_to_in(xctx *x, const xrec *r, const char *arena,
			      pk_record *in, bool *skipped)
{
	const char *name = arena + r->off[XF_NAME];
	const char *proto = arena + r->off[XF_PROTOCOL];
	const char *number = arena + r->off[XF_NUMBER];
	const char *sc = arena + r->off[XF_SC];
	char q[PK_QUOTE_SIZE];

	memset(in, 0, sizeof *in);
	*skipped = true;
	if (name[0] != '\0' && !pk__service_name_valid(name))
		return skip_at(x, r->fpos[XF_NAME],
			       "invalid service name '%s' (expected printable ASCII, spaces only inside)",
			       pk__quote(name, strlen(name), q, sizeof q));
	in->name = name;
	in->proto = PK_PROTO_NONE;
	if (proto[0] != '\0' &&
	    pk_proto_parse(proto, strlen(proto), &in->proto, NULL) != PK_OK)
		return skip_at(x, r->fpos[XF_PROTOCOL],
			       "unknown <protocol> '%s' (expected tcp, udp, sctp or dccp)",
			       pk__quote(proto, strlen(proto), q, sizeof q));
	if (r->off[XF_NUMBER] != 0) {
		pk_portspec spec;
		if (pk_portspec_parse(number, &spec, NULL) != PK_OK ||
		    spec.protos != 0)
			return skip_at(x, r->fpos[XF_NUMBER],
				       "invalid <number> '%s' (expected a port 0-65535 or a range LO-HI with LO <= HI)",
				       pk__quote(number, strlen(number), q,
						sizeof q));
		in->has_port = true;
		in->port_lo = spec.lo;
		in->port_hi = spec.hi;
	}
	if (sc[0] != '\0' && !pk__service_code_valid(sc))
		return skip_at(x, r->fpos[XF_SC],
			       "invalid <sc> '%s' (expected a DCCP service code, a decimal 0-4294967295)",
			       pk__quote(sc, strlen(sc), q, sizeof q));
	in->service_code = sc;
	in->description = arena + r->off[XF_DESCRIPTION];
	in->notes = arena + r->off[XF_NOTE];
	in->unauthorized = arena + r->off[XF_UNAUTHORIZED];
	in->registered = arena + r->registered;
	in->modified = arena + r->modified;
	in->origin = PK_ORIGIN_IANA;
	in->kind = pk__kind_from(name[0] != '\0' ? name : NULL,
				in->description);
	pk__rec_detect_alias(in, x->alias, sizeof x->alias);
	*skipped = false;
	return PK_OK;
}

static pk_status record_commit(xctx *x, const xrec *r, const char *arena,
			       const pk_record *in)
{
	uint32_t idx;
	bool have_assignee = false;
	pk_status st = pk__builder_add(x->b, in, &idx);

	for (size_t i = 0; st == PK_OK && i < r->nitems; i++) {
		const char *s = arena + r->items[i].off;
		switch (r->items[i].what) {
		case XI_CONTACT:
			st = pk__builder_add_contact(x->b, idx, s, NULL);
			break;
		case XI_ASSIGNEE:
			have_assignee = true;
			st = pk__builder_add_assignee(x->b, idx, s, NULL);
			break;
		case XI_ASSIGNEE_TEXT:
			have_assignee = true;
			st = pk__builder_add_assignee(x->b, idx, NULL, s);
			break;
		default:
			st = pk__builder_add_ref(x->b, idx,
						(pk_ref_type)r->items[i].what, s);
			break;
		}
	}
	/* Without an <assignee>, the contact is the assignee: IANA's CSV
	 * shows it in both columns, and so do we (docs/import.md). */
	for (size_t i = 0; st == PK_OK && !have_assignee && i < r->nitems; i++)
		if (r->items[i].what == XI_CONTACT)
			st = pk__builder_add_assignee(x->b, idx,
						     arena + r->items[i].off,
						     NULL);
	if (st != PK_OK)
		return fail_status(x, r->pos, st);
	x->records++;
	return PK_OK;
}

static pk_status defer_record(xctx *x)
{
	const xrec *r = &x->rec;
	size_t items = r->nitems * sizeof(xitem);
	xdeferred *d = malloc(sizeof *d + items + x->arena.len);

	if (d == NULL)
		return fail_status(x, r->pos, PK_NOMEM);
	d->next = NULL;
	d->rec = *r;
	d->rec.items = (xitem *)(void *)(d + 1);
	d->rec.capitems = r->nitems;
	memcpy(d->rec.items, r->items, items);
	d->arena = (char *)(d + 1) + items;
	memcpy(d->arena, x->arena.data, x->arena.len);
	*x->deferred_tail = d;
	x->deferred_tail = &d->next;
	return PK_OK;
}

static pk_status end_record(xctx *x)
{
	pk_record in;

	bool skipped;

	x->where = XW_REGISTRY;
	if (x->rec.bad)
		return x->st;
	if (record_to_in(x, &x->rec, x->arena.data, &in, &skipped) != PK_OK ||
	    skipped)
		return x->st;
	if (x->rec.cites_note)
		return defer_record(x);
	return record_commit(x, &x->rec, x->arena.data, &in);
}

/* Appends "[anchor] text" of the footnote anchor to notes, if known. */
static pk_status add_footnote(const xctx *x, const char *anchor,
			      pk_buf *notes)
{
	for (size_t o = 0; o < x->footnotes.len;) {
		const char *a = x->footnotes.data + o;
		const char *t = a + strlen(a) + 1;
		if (strcmp(a, anchor) == 0) {
			pk_status st = PK_OK;
			if (notes->len > 0)
				st = pk__buf_addc(notes, '\n');
			if (st == PK_OK)
				st = pk__buf_printf(notes, "[%s] %s", a, t);
			return st;
		}
		o = (size_t)(t - x->footnotes.data) + strlen(t) + 1;
	}
	return PK_OK;
}

/* The held-back records, with the footnotes they cite in their notes. */
static pk_status commit_deferred(xctx *x)
{
	pk_buf notes;
	pk_status st = PK_OK;

	pk__buf_init(&notes, PK_IMPORT_MAX_BYTES);
	for (xdeferred *d = x->deferred; d != NULL && st == PK_OK; d = d->next) {
		pk_record in;
		bool skipped;
		/* Checked before it was held back: never skipped here. */
		if (record_to_in(x, &d->rec, d->arena, &in, &skipped) != PK_OK ||
		    skipped)
			break;
		notes.len = 0;
		st = pk__buf_addstr(&notes, in.notes);
		for (size_t i = 0; st == PK_OK && i < d->rec.nitems; i++)
			if (d->rec.items[i].what == PK_REF_NOTE)
				st = add_footnote(x, d->arena + d->rec.items[i].off,
						  &notes);
		if (st == PK_OK)
			st = pk__buf_terminate(&notes);
		if (st != PK_OK) {
			fail_status(x, d->rec.pos, st);
			break;
		}
		in.notes = notes.data;
		st = record_commit(x, &d->rec, d->arena, &in);
	}
	pk__buf_free(&notes);
	return x->st;
}

/* ---- people ------------------------------------------------------------ */

static pk_status begin_person(xctx *x, const XML_Char **atts)
{
	const char *id = attr(atts, "id");

	arena_reset(x);
	memset(x->p_off, 0, sizeof x->p_off);
	x->p_pos = cur_pos(x);
	x->where = XW_PERSON;
	if (id == NULL || id[0] == '\0')
		return fail_at(x, x->p_pos, PK_PARSE,
			       "<person> without an id (expected id=\"Name_Surname\")");
	x->p_id = arena_str(x, id);
	return x->st;
}

static pk_status end_person(xctx *x)
{
	const char *a = x->arena.data;
	const char *updated = a + x->p_off[XF_P_UPDATED];
	char q[PK_QUOTE_SIZE];
	pk_status st;

	x->where = XW_PEOPLE;
	if (updated[0] != '\0' && !pk__date_valid(updated))
		return fail_at(x, x->p_pos, PK_PARSE,
			       "invalid <updated> '%s' of person (expected YYYY-MM-DD or YYYY-MM)",
			       pk__quote(updated, strlen(updated), q, sizeof q));
	st = pk__builder_add_person(x->b, a + x->p_id, a + x->p_off[XF_P_NAME],
				   a + x->p_off[XF_P_ORG],
				   a + x->p_off[XF_P_URI], updated);
	if (st != PK_OK)
		return fail_status(x, x->p_pos, st);
	return PK_OK;
}

/* A person's second <uri>: a few people have two addresses; both are
 * kept, separated by a space (URIs contain none). */
static pk_status add_second_uri(xctx *x, const char *text)
{
	const char *prev = x->arena.data + x->p_off[XF_P_URI];
	size_t a = strlen(prev);
	size_t n = strlen(text);
	char *both = malloc(a + n + 2);

	if (both == NULL)
		return fail_status(x, x->field_pos, PK_NOMEM);
	memcpy(both, prev, a);
	both[a] = ' ';
	memcpy(both + a + 1, text, n + 1);
	x->p_off[XF_P_URI] = arena_str(x, both);
	free(both);
	return x->st;
}

/* ---- end of a text field ------------------------------------------------ */

/* Stores a finished field's offset in *slot, refusing a second one. */
static pk_status keep_field(xctx *x, enum xfield f, uint32_t *slot,
			    uint32_t off)
{
	if (*slot != 0)
		return fail_at(x, x->field_pos, PK_PARSE,
			       "a second <%s> in one <%s> (expected at most one)",
			       field_tag[f],
			       x->where == XW_PERSON ? "person" : "record");
	*slot = off;
	return PK_OK;
}

static pk_status set_title(xctx *x, const char *title)
{
	pk_buf s;
	pk_status st;

	if (title[0] == '\0')
		return PK_OK;
	pk__buf_init(&s, PK_IMPORT_MAX_BYTES);
	st = pk__buf_printf(&s, "IANA XML: %s", title);
	if (st == PK_OK)
		st = pk__builder_set_source(x->b, s.data);
	pk__buf_free(&s);
	if (st != PK_OK)
		return fail_status(x, x->field_pos, st);
	return PK_OK;
}

static pk_status set_updated(xctx *x, const char *date)
{
	char q[PK_QUOTE_SIZE];
	pk_status st;

	if (!pk__date_valid(date))
		return fail_at(x, x->field_pos, PK_PARSE,
			       "invalid registry <updated> '%s' (expected YYYY-MM-DD)",
			       pk__quote(date, strlen(date), q, sizeof q));
	st = pk__builder_set_updated(x->b, date);
	if (st != PK_OK)
		return fail_status(x, x->field_pos, st);
	return PK_OK;
}

static pk_status add_footnote_text(xctx *x, const char *text)
{
	/* on_start stored the anchor at offset 1. */
	const char *anchor = x->arena.data + 1;
	pk_status st = pk__buf_add(&x->footnotes, anchor, strlen(anchor) + 1);

	if (st == PK_OK)
		st = pk__buf_add(&x->footnotes, text, strlen(text) + 1);
	if (st != PK_OK)
		return fail_status(x, x->field_pos, st);
	return PK_OK;
}

static pk_status end_field(xctx *x)
{
	enum xfield f = x->field;
	size_t start = x->field_start;
	char *text;

	x->field = XF_NONE;
	x->ix_depth = 0;
	want_text(x, x->where == XW_ASSIGNEE);
	if (arena_add(x, "", 1) != PK_OK)
		return x->st;
	text = x->arena.data + start;
	if (rich(f)) {
		size_t n = pk__text_clean(text, x->arena.len - 1 - start);
		x->arena.len = start + n + 1;
	} else {
		/* The field starts where its trimmed text does: no strlen,
		 * no move. */
		size_t n = x->arena.len - 1 - start;
		text = pk__text_trim_n(text, &n);
		start = (size_t)(text - x->arena.data);
		x->arena.len = start + n + 1;
	}
	switch (f) {
	case XF_NUMBER:
		if (text[0] == '\0')
			return fail_at(x, x->field_pos, PK_PARSE,
				       "empty <number> (expected a port 0-65535 or a range LO-HI)");
		/* fall through */
	case XF_NAME:
	case XF_PROTOCOL:
	case XF_DESCRIPTION:
	case XF_NOTE:
	case XF_UNAUTHORIZED:
	case XF_SC:
		x->rec.fpos[f] = x->field_pos;
		return keep_field(x, f, &x->rec.off[f], (uint32_t)start);
	case XF_XREF:
		return end_xref(x, text);
	case XF_TITLE:
		return set_title(x, text);
	case XF_UPDATED:
		return set_updated(x, text);
	case XF_FOOTNOTE:
		return add_footnote_text(x, text);
	case XF_P_URI:
		if (x->p_off[f] != 0)
			return add_second_uri(x, text);
		return keep_field(x, f, &x->p_off[f], (uint32_t)start);
	case XF_P_NAME:
	case XF_P_ORG:
	case XF_P_UPDATED:
		return keep_field(x, f, &x->p_off[f], (uint32_t)start);
	default:
		return PK_OK;
	}
}

static pk_status end_assignee(xctx *x)
{
	pk_status st = pk__buf_terminate(&x->atext);
	uint32_t off;
	char *t;

	x->where = XW_RECORD;
	want_text(x, false);
	if (st != PK_OK)
		return fail_status(x, cur_pos(x), st);
	t = pk__text_trim(x->atext.data);
	if (t[0] == '\0')
		return PK_OK;
	pk__text_clean(t, strlen(t));
	off = arena_str(x, t);
	if (off == 0)
		return x->st;
	return push_item(x, XI_ASSIGNEE_TEXT, off);
}

/* ---- expat callbacks ---------------------------------------------------- */

static pk_status skip(xctx *x)
{
	x->skip_depth = x->depth;
	return PK_OK;
}

static pk_status start_root(xctx *x, const char *name, const XML_Char **atts)
{
	const char *id = attr(atts, "id");
	char q[PK_QUOTE_SIZE];

	if (strcmp(name, "registry") != 0)
		return fail_at(x, cur_pos(x), PK_PARSE,
			       "root element <%s> (expected <registry>, an IANA service-names-port-numbers.xml)",
			       pk__quote(name, strlen(name), q, sizeof q));
	if (id != NULL && strcmp(id, "service-names-port-numbers") != 0)
		return fail_at(x, cur_pos(x), PK_PARSE,
			       "registry id=\"%s\" (expected id=\"service-names-port-numbers\")",
			       pk__quote(id, strlen(id), q, sizeof q));
	x->where = XW_REGISTRY;
	return PK_OK;
}

static pk_status start_in_registry(xctx *x, const char *name,
				   const XML_Char **atts)
{
	enum xfield f;

	if (strcmp(name, "record") == 0)
		return begin_record(x, atts);
	if (strcmp(name, "people") == 0) {
		x->saw_people = true;
		x->where = XW_PEOPLE;
		return PK_OK;
	}
	if (strcmp(name, "title") == 0)
		f = XF_TITLE;
	else if (strcmp(name, "updated") == 0)
		f = XF_UPDATED;
	else if (strcmp(name, "footnote") == 0)
		f = XF_FOOTNOTE;
	else
		return skip(x);
	arena_reset(x);
	if (f == XF_FOOTNOTE) {
		const char *anchor = attr(atts, "anchor");
		if (arena_str(x, anchor != NULL ? anchor : "") == 0)
			return x->st;
	}
	return begin_field(x, f);
}

static pk_status start_element(xctx *x, const char *name,
			       const XML_Char **atts)
{
	if (x->field != XF_NONE)
		return inline_start(x, name, atts);
	switch (x->where) {
	case XW_DOC:
		return start_root(x, name, atts);
	case XW_REGISTRY:
		return start_in_registry(x, name, atts);
	case XW_RECORD: {
		enum xfield f = record_field(name);
		if (f != XF_NONE)
			return begin_field(x, f);
		if (strcmp(name, "xref") == 0)
			return begin_xref(x, atts, false);
		if (strcmp(name, "assignee") == 0) {
			x->where = XW_ASSIGNEE;
			x->atext.len = 0;
			want_text(x, true);
			return PK_OK;
		}
		return skip(x);
	}
	case XW_ASSIGNEE:
		if (strcmp(name, "xref") == 0)
			return begin_xref(x, atts, true);
		return skip(x);
	case XW_PEOPLE:
		if (strcmp(name, "person") == 0)
			return begin_person(x, atts);
		return skip(x);
	case XW_PERSON:
		for (int f = XF_P_NAME; f < XF_COUNT_; f++)
			if (strcmp(name, field_tag[f]) == 0)
				return begin_field(x, (enum xfield)f);
		return skip(x);
	case XW_DONE:
		break;
	}
	return PK_OK;
}

static void XMLCALL on_start(void *ud, const XML_Char *tag,
			     const XML_Char **atts)
{
	xctx *x = ud;

	x->depth++;
	if (x->st == PK_OK && x->skip_depth == 0)
		start_element(x, local(tag), atts);
}

static pk_status end_element(xctx *x, const char *name, int depth)
{
	if (x->field != XF_NONE) {
		if (depth == x->field_depth)
			return end_field(x);
		return inline_end(x, name, depth);
	}
	switch (x->where) {
	case XW_RECORD:
		return end_record(x);
	case XW_ASSIGNEE:
		return end_assignee(x);
	case XW_PERSON:
		return end_person(x);
	case XW_PEOPLE:
		x->where = XW_REGISTRY;
		break;
	case XW_REGISTRY:
		x->where = XW_DONE;
		break;
	default:
		break;
	}
	return PK_OK;
}

static void XMLCALL on_end(void *ud, const XML_Char *tag)
{
	xctx *x = ud;
	int depth = x->depth--;

	if (x->st != PK_OK)
		return;
	if (x->skip_depth != 0) {
		if (depth == x->skip_depth)
			x->skip_depth = 0;
		return;
	}
	end_element(x, local(tag), depth);
}

static bool all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xctx *x = ud;
	pk_status st;

	if (x->st != PK_OK || x->skip_depth != 0 || len <= 0)
		return;
	if (x->field == XF_NONE) {
		if (x->where == XW_ASSIGNEE &&
		    (st = pk__buf_add(&x->atext, s, (size_t)len)) != PK_OK)
			fail_status(x, cur_pos(x), st);
		return;
	}
	if (x->ix_depth != 0 && x->ix_default) {
		/* The reference has a text of its own: it replaces the
		 * label made from data, unless it is only blanks. */
		if (all_blank(s, (size_t)len))
			return;
		x->arena.len = x->ix_label;
		x->ix_default = false;
	}
	arena_add(x, s, (size_t)len);
}

/* A DTD could define entities: IANA's file has none, so we refuse it. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	xctx *x = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail_at(x, cur_pos(x), PK_PARSE,
		"a <!DOCTYPE> declaration (expected none: IANA's XML has no DTD)");
}

/* ---- entry point -------------------------------------------------------- */

static pk_status parse(xctx *x, const char *data, size_t len)
{
	enum XML_Error code;

	if (pk__buf_add(&x->arena, "", 1) != PK_OK ||
	    pk__buf_terminate(&x->atext) != PK_OK)
		return fail_status(x, 1, PK_NOMEM);
	if (pk__builder_set_source(x->b, "IANA XML") != PK_OK)
		return fail_status(x, 1, PK_NOMEM);
	x->parser = XML_ParserCreate("UTF-8");
	if (x->parser == NULL)
		return fail_status(x, 1, PK_NOMEM);
	XML_SetUserData(x->parser, x);
	XML_SetElementHandler(x->parser, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(x->parser, on_doctype);
	if (XML_Parse(x->parser, data, (int)len, 1) == XML_STATUS_ERROR) {
		if (x->st != PK_OK)
			return x->st;
		code = XML_GetErrorCode(x->parser);
		x->st = pk__import_fail(x->err,
				       code == XML_ERROR_NO_MEMORY ? PK_NOMEM : PK_PARSE,
				       x->label,
				       (unsigned long)XML_GetCurrentLineNumber(x->parser),
				       "malformed XML: %s (expected well-formed XML)",
				       XML_ErrorString(code));
		return x->st;
	}
	if (x->st != PK_OK)
		return x->st;
	if (x->records == 0 && x->deferred == NULL)
		return fail_at(x, len, PK_PARSE,
			       "no <record> elements (expected an IANA service-names-port-numbers registry)");
	if (commit_deferred(x) != PK_OK)
		return x->st;
	pk__builder_add_flags(x->b, PK_REGFLAG_FULL | PK_REGFLAG_RANGES |
					   PK_REGFLAG_METADATA |
					   (x->saw_people ? PK_REGFLAG_PEOPLE : 0u));
	return PK_OK;
}

pk_status pk__import_xml(pk_builder *b, const char *data, size_t len,
			const char *label, pk_error *err)
{
	xctx x;
	pk_status st;

	memset(&x, 0, sizeof x);
	x.b = b;
	x.data = data;
	x.len = len;
	x.label = label;
	x.err = err;
	x.deferred_tail = &x.deferred;
	pk__buf_init(&x.arena, PK_IMPORT_MAX_BYTES);
	pk__buf_init(&x.atext, PK_IMPORT_MAX_BYTES);
	pk__buf_init(&x.footnotes, PK_IMPORT_MAX_BYTES);
	st = pk__import_begin(len, label, err);
	if (st == PK_OK && len == 0)
		st = pk__import_fail(err, PK_PARSE, label, 1,
				    "empty input (expected an IANA XML registry)");
	else if (st == PK_OK)
		st = parse(&x, data, len);

	if (x.parser != NULL)
		XML_ParserFree(x.parser);
	while (x.deferred != NULL) {
		xdeferred *d = x.deferred;
		x.deferred = d->next;
		free(d);
	}
	free(x.rec.items);
	pk__buf_free(&x.arena);
	pk__buf_free(&x.atext);
	pk__buf_free(&x.footnotes);
	return st;
}

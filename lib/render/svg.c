/* svg.c - plots as SVG documents, built in memory: the simulator's chart
 * of one metric against occupancy, one line per algorithm. */
#include <math.h> /* INFINITY, NAN, isnan only: the functions are core/fmath.h's */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/fmath.h"
#include "core/internal.h"

/* A plot is a few kB; far more means something is wrong. */
#define SVG_MAX_BYTES ((size_t)16 << 20)

/* A document being written; the first failure sticks. */
typedef struct svg {
	pk_buf buf;
	pk_status st;
} svg;

static void put(svg *g, const char *fmt, ...) PK_PRINTF(2, 3);
static void put(svg *g, const char *fmt, ...)
{
	va_list ap;
	char small[512];

	if (g->st != PK_OK)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof small) {
		/* every element written here is short */
		g->st = PK_TOOBIG;
		return;
	}
	g->st = pk__buf_add(&g->buf, small, (size_t)n);
}

/* s as XML character data. */
static void put_text(svg *g, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': put(g, "&lt;"); break;
		case '>': put(g, "&gt;"); break;
		case '&': put(g, "&amp;"); break;
		default:
			if (g->st == PK_OK)
				g->st = pk__buf_addc(&g->buf, *s);
		}
	}
}

/* Ten colours a reader can tell apart (Tableau 10). */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

/* Ten dash patterns and ten marker shapes, so that lines with equal
 * values (sequential and descending, say) stay apart in grey too. */
static const char *const dashes[] = {
	"", "8 4", "2 3", "8 3 2 3", "12 4", "4 4", "8 3 2 3 2 3", "1 4", "14 3 4 3", "6 2",
};

static void marker(svg *g, size_t a, double x, double y, const char *col)
{
	switch (a % 5) {
	case 0:
		put(g, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"", x, y);
		break;
	case 1:
		put(g, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\"", x - 3.5, y - 3.5);
		break;
	case 2:
		put(g, "<path d=\"M%.1f,%.1f l4,7 h-8 z\"", x, y - 4.5);
		break;
	case 3:
		put(g, "<path d=\"M%.1f,%.1f l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 z\"", x, y - 4.5);
		break;
	default:
		put(g, "<path d=\"M%.1f,%.1f l8,0 l-4,7 z\"", x - 4, y - 2.5);
	}
	/* the second five are hollow */
	if (a % 10 < 5)
		put(g, " fill=\"%s\"/>\n", col);
	else
		put(g, " fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", col);
}

/* The x axis is -log10(1 - occupancy): 0, 0.9, 0.99 and 0.999 are equally
 * spaced, which is where probes grow tenfold.  Occupancy is below 1. */
static double occ_scale(double p)
{
	return -pk__log10(1 - p);
}

/* The value plotted: none (NAN, a gap in the line) where the metric is
 * undefined, as the share of reuses within TIME_WAIT when there was no
 * reuse at all; 0 would claim "never too soon". */
static double plotted(const pk_sim_metric *m, const pk_sim_result *r)
{
	if (strcmp(pk_sim_metric_name(m), "reuse-tw") == 0 && r->reuses == 0)
		return NAN;
	return pk_sim_metric_value(m, r);
}

static void sim_chart(svg *g, const pk_sim_sweep *s, const pk_sim_metric *m)
{
	const double W = 860, H = 480, L = 80, R = 210, T = 50, B = 60;
	const double pw = W - L - R, ph = H - T - B;
	const pk_sim_workload *w = pk_sim_sweep_workload(s);
	const size_t nalgo = pk_sim_sweep_algo_count(s);
	const size_t nocc = pk_sim_sweep_occupancy_count(s);
	const pk_sim_scale scale = pk_sim_metric_scale(m);
	double lo = INFINITY, hi = -INFINITY, xlo = INFINITY, xhi = -INFINITY;
	bool logy = scale == PK_SIM_SCALE_LOG;

#define OCC(i) pk_sim_sweep_occupancy(s, i)
#define VALUE(i, a) plotted(m, pk_sim_sweep_result(s, i, a))
	for (size_t i = 0; i < nocc; i++)
		for (size_t a = 0; a < nalgo; a++) {
			double v = VALUE(i, a);
			if (isnan(v))
				continue;
			if (logy && v <= 0)
				logy = false;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	if (lo > hi) { /* nothing defined at all: an empty frame */
		lo = 0;
		hi = 1;
		logy = false;
	}
	for (size_t i = 0; i < nocc; i++) {
		double x = occ_scale(OCC(i));
		xlo = x < xlo ? x : xlo;
		xhi = x > xhi ? x : xhi;
	}
	double ylo, yhi;
	if (logy) {
		ylo = pk__floor(pk__log10(lo));
		yhi = pk__ceil(pk__log10(hi));
		if (yhi <= ylo)
			yhi = ylo + 1;
	} else {
		/* shares run 0-1; anything else gets a round top: 1, 2 or 5
		 * times a power of ten per tick */
		ylo = 0;
		if (scale == PK_SIM_SCALE_SHARE || hi <= 0) {
			yhi = 1;
		} else {
			double raw = hi / 5;
			double mag = pk__exp10i((int)pk__floor(pk__log10(raw)));
			double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag :
				      raw <= 5 * mag ? 5 * mag : 10 * mag;
			/* A count has no half failures: whole ticks. */
			if (pk_sim_metric_is_count(m) && step < 1)
				step = 1;
			yhi = pk__ceil(hi / step) * step;
		}
	}
	/* Headroom: the top tick sits 6% below the frame, so a line at the
	 * maximum (a share of 1, say) does not run along the frame. */
	const double ytop = yhi + 0.06 * (yhi - ylo);
	/* Margins inside the frame, and a small sideways offset per
	 * algorithm, so that points with equal values sit side by side. */
	const double xpad = 24, spread = nalgo > 1 ? 2.0 : 0;
#define XPOS(p) (L + xpad + (xhi > xlo ? (pw - 2 * xpad) * (occ_scale(p) - xlo) / (xhi - xlo) \
				      : (pw - 2 * xpad) / 2))
#define XOFF(a) (spread * ((double)(a) - (double)(nalgo - 1) / 2))
#define YPOS(v) (T + ph - ph * ((logy ? pk__log10(v) : (v)) - ylo) / (ytop - ylo))

	put(g, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	       "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
	       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    W, H, W, H);
	put(g, "<text x=\"%.0f\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", L);
	put_text(g, pk_sim_metric_title(m));
	put(g, "</text>\n<text x=\"%.0f\" y=\"40\" fill=\"#555\">ports %u-%u, "
	       "%u destinations, %g conn/s, %u connections, seed %llu (portkit sim)</text>\n",
	    L, w->lo, w->hi, w->destinations, w->rate, w->connections,
	    (unsigned long long)w->seed);
	/* axes and grid */
	put(g, "<g stroke=\"#ddd\" stroke-width=\"1\">\n");
	int nticks = logy ? (int)(yhi - ylo) : 5;
	if (!logy && pk_sim_metric_is_count(m) && yhi - ylo < 5)
		nticks = (int)(yhi - ylo) > 0 ? (int)(yhi - ylo) : 1;
	for (int i = 0; i <= nticks; i++) {
		double y = YPOS(logy ? pk__exp10i((int)ylo + i) : ylo + (yhi - ylo) * i / nticks);
		put(g, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", L, y,
		    L + pw, y);
	}
	for (size_t i = 0; i < nocc; i++)
		put(g, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		    XPOS(OCC(i)), T, XPOS(OCC(i)), T + ph);
	put(g, "</g>\n<g fill=\"#333\" text-anchor=\"end\">\n");
	for (int i = 0; i <= nticks; i++) {
		double v = logy ? pk__exp10i((int)ylo + i) : ylo + (yhi - ylo) * i / nticks;
		put(g, "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n", L - 6, YPOS(v) + 4, v);
	}
	/* ticks at the measured occupancies only, labelled with their values;
	 * a label too close to the previous one is left out (the tick stays) */
	put(g, "</g>\n<g fill=\"#333\" text-anchor=\"middle\">\n");
	double last = -INFINITY;
	for (size_t i = 0; i < nocc; i++) {
		double x = XPOS(OCC(i));
		put(g, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		    x, T + ph, x, T + ph + 5);
		if (x - last >= 34) {
			put(g, "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\">%g</text>\n", x,
			    T + ph + 18, OCC(i));
			last = x;
		}
	}
	put(g, "<text x=\"%.1f\" y=\"%.1f\">occupancy (share of the range held by other "
	       "sockets; scale -log10(1 - occupancy))</text>\n",
	    L + pw / 2, H - 14);
	put(g, "<text transform=\"translate(18,%.1f) rotate(-90)\">%s%s</text>\n</g>\n",
	    T + ph / 2, pk_sim_metric_name(m), logy ? " (log scale)" : "");
	put(g, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	       "fill=\"none\" stroke=\"#333\"/>\n", L, T, pw, ph);
	/* one line per algorithm, and the legend */
	for (size_t a = 0; a < nalgo; a++) {
		const char *col = palette[a % 10];
		const char *dash = dashes[a % 10];
		/* A polyline per run of defined values: an undefined one
		 * leaves a gap. */
		for (size_t i = 0; i < nocc;) {
			if (isnan(VALUE(i, a))) {
				i++;
				continue;
			}
			put(g, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", col);
			if (dash[0] != '\0')
				put(g, " stroke-dasharray=\"%s\"", dash);
			put(g, " points=\"");
			for (; i < nocc && !isnan(VALUE(i, a)); i++)
				put(g, "%.1f,%.1f ", XPOS(OCC(i)) + XOFF(a), YPOS(VALUE(i, a)));
			put(g, "\"/>\n");
		}
		for (size_t i = 0; i < nocc; i++)
			if (!isnan(VALUE(i, a)))
				marker(g, a, XPOS(OCC(i)) + XOFF(a), YPOS(VALUE(i, a)), col);
		double ly = T + 10 + 20 * (double)a;
		put(g, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		       "stroke-width=\"2\"", L + pw + 12, ly, L + pw + 52, ly, col);
		if (dash[0] != '\0')
			put(g, " stroke-dasharray=\"%s\"", dash);
		put(g, "/>\n");
		marker(g, a, L + pw + 32, ly, col);
		put(g, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", L + pw + 58, ly + 4,
		    pk_eph_algo_name(pk_sim_sweep_algo(s, a)));
	}
	if (nalgo > 1)
		put(g, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">"
		       "points shifted up to %.0f px sideways</text>\n"
		       "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" font-size=\"10\">"
		       "so that equal values show</text>\n",
		    L + pw + 12, T + 14 + 20 * (double)nalgo, XOFF(nalgo - 1),
		    L + pw + 12, T + 27 + 20 * (double)nalgo);
	put(g, "</svg>\n");
#undef XPOS
#undef XOFF
#undef YPOS
#undef OCC
#undef VALUE
}

pk_status pk_sim_svg(const pk_sim_sweep *s, const pk_sim_metric *m, char **out,
		     size_t *len, pk_error *err)
{
	svg g = { .st = PK_OK };

	*out = NULL;
	*len = 0;
	if (pk_sim_sweep_result(s, 0, 0) == NULL)
		return pk__error_set(err, PK_INVAL, "sim plot: the sweep has not run");
	pk__buf_init(&g.buf, SVG_MAX_BYTES);
	sim_chart(&g, s, m);
	if (g.st != PK_OK) {
		pk__buf_free(&g.buf);
		return pk__error_set(err, g.st, "sim plot: %s", pk_strerror(g.st));
	}
	*out = g.buf.data;
	*len = g.buf.len;
	return PK_OK;
}

pk_status pk_sim_svg_write(const pk_sim_sweep *s, const pk_sim_metric *m,
			   pk_write_fn fn, void *ctx, pk_error *err)
{
	char *doc;
	size_t len;
	pk_status st = pk_sim_svg(s, m, &doc, &len, err);

	if (st != PK_OK)
		return st;
	if (fn(ctx, doc, len) != 0)
		st = pk__error_set(err, PK_IO, "sim plot: the writer failed");
	free(doc);
	return st;
}

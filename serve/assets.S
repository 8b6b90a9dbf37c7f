/* assets.S - the files `portkit serve` serves besides the API, embedded
 * byte for byte at build time (serve/assets/, docs/openapi.json): the
 * server reads nothing from disk but its registry index. */
#define ASSET(sym, file)                        \
	.section .rodata;                       \
	.balign 16;                             \
	.globl sym;                             \
	.hidden sym;                            \
sym:	.incbin file;                           \
sym##_end:;                                     \
	.balign 8;                              \
	.globl sym##_size;                      \
	.hidden sym##_size;                     \
sym##_size:	.quad sym##_end - sym

ASSET(serve_index_html, "serve/assets/index.html")
ASSET(serve_app_js, "serve/assets/app.js")
ASSET(serve_app_css, "serve/assets/app.css")
ASSET(serve_openapi_json, "docs/openapi.json")

	.section .note.GNU-stack,"",@progbits

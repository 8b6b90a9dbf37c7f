/* apps_embedded.S - puts the application catalog (data/apps/*.apps, joined) into
 * the library's read-only data, byte for byte. */
	.section .rodata
	.balign 64
	.globl pk__embedded_apps
	.hidden pk__embedded_apps
	.type pk__embedded_apps, @object
pk__embedded_apps:
	.incbin PK_APPS_FILE
pk_embedded_apps_end:
	.size pk__embedded_apps, pk_embedded_apps_end - pk__embedded_apps

	.balign 8
	.globl pk__embedded_apps_size
	.hidden pk__embedded_apps_size
	.type pk__embedded_apps_size, @object
pk__embedded_apps_size:
	.quad pk_embedded_apps_end - pk__embedded_apps
	.size pk__embedded_apps_size, 8

	.section .note.GNU-stack,"",@progbits

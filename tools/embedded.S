/* embedded.S - puts the compiled registry index built at build time into
 * the library's read-only data, byte for byte (no C array to compile). */
	.section .rodata
	.balign 64
	.globl pk__embedded_index
	.hidden pk__embedded_index
	.type pk__embedded_index, @object
pk__embedded_index:
	.incbin PK_INDEX_FILE
pk_embedded_index_end:
	.size pk__embedded_index, pk_embedded_index_end - pk__embedded_index

	.balign 8
	.globl pk__embedded_index_size
	.hidden pk__embedded_index_size
	.type pk__embedded_index_size, @object
pk__embedded_index_size:
	.quad pk_embedded_index_end - pk__embedded_index
	.size pk__embedded_index_size, 8

	.section .note.GNU-stack,"",@progbits

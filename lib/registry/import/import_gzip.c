/* import_gzip.c - compressed sources: gzip (RFC 1952) is read with zlib,
 * since registries and services files are often kept compressed
 * (services.gz, the XML as served with Content-Encoding); xz, bzip2 and
 * zstd are named and refused rather than read as text. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "registry/import/import.h"

bool pk__is_gzip(const char *data, size_t len)
{
	return len >= 2 && (unsigned char)data[0] == 0x1f &&
	       (unsigned char)data[1] == 0x8b;
}

const char *pk__compressed_other(const char *data, size_t len)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *name;
	} known[] = {
		{ "\xfd" "7zXZ\0", 6, "xz" },
		{ "BZh", 3, "bzip2" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (len >= known[i].len &&
		    memcmp(data, known[i].magic, known[i].len) == 0)
			return known[i].name;
	return NULL;
}

pk_status pk__gunzip(const char *data, size_t len, size_t limit,
		     const char *label, char **out, size_t *out_len,
		     pk_error *err)
{
	z_stream z;
	pk_buf buf;
	pk_status st = PK_OK;
	int zr;

	*out = NULL;
	*out_len = 0;
	if (len > UINT_MAX)
		return pk__import_fail(err, PK_TOOBIG, label, 1,
				      "gzip input of %zu bytes (expected at most %u)",
				      len, UINT_MAX);
	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip header and trailer, not raw or zlib streams. */
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return pk__import_fail(err, PK_NOMEM, label, 1, "out of memory");
	pk__buf_init(&buf, limit);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	do {
		unsigned char chunk[65536];
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			st = pk__import_fail(err, zr == Z_MEM_ERROR ? PK_NOMEM : PK_PARSE,
					    label, 1,
					    "damaged gzip data after %lu compressed bytes (%s)",
					    (unsigned long)z.total_in,
					    z.msg != NULL ? z.msg : "no more input");
			break;
		}
		st = pk__buf_add(&buf, chunk, sizeof chunk - z.avail_out);
		if (st != PK_OK) {
			st = pk__import_fail(err, st, label, 1,
					    st == PK_TOOBIG ? "gzip data expands past %zu bytes (expected at most that)"
							    : "out of memory (%zu bytes)",
					    limit);
			break;
		}
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			st = pk__import_fail(err, PK_PARSE, label, 1,
					    "truncated gzip data (%zu compressed bytes; expected its end)",
					    len);
			break;
		}
	} while (zr != Z_STREAM_END);
	inflateEnd(&z);
	if (st == PK_OK && (st = pk__buf_terminate(&buf)) != PK_OK)
		st = pk__import_fail(err, st, label, 1, "out of memory");
	if (st != PK_OK) {
		pk__buf_free(&buf);
		return st;
	}
	*out = buf.data;
	*out_len = buf.len;
	return PK_OK;
}

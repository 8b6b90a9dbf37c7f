/* mkpcap.c - capture files for the classify tests and benchmark, written
 * directly (no libpcap):
 *
 *   mkpcap flows PACKETS FLOWS OUT   Ethernet/IPv4 TCP: FLOWS clients, each
 *       with a handshake, to 16 servers on ports 80-95, then data packets
 *       round-robin over the flows until PACKETS are written
 *   mkpcap ng IN OUT                 the same packets as pcapng (SHB, IDB,
 *       one EPB per packet)
 *   mkpcap link LINKTYPE OUT         a pcap header of that link type and
 *       one 60-byte packet of zeros
 * Exit status 0, 2 usage, 3 I/O error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static void pcap_header(FILE *f, uint32_t linktype)
{
	put32(f, 0xa1b2c3d4u);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, linktype);
}

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One Ethernet/IPv4/TCP packet of 74 bytes (20 bytes of payload). */
static size_t tcp_packet(uint8_t *b, uint32_t src, uint32_t dst, unsigned sport,
			 unsigned dport, uint8_t flags)
{
	memset(b, 0, 74);
	b[12] = 0x08;
	uint8_t *ip = b + 14;
	ip[0] = 0x45;
	be16(ip + 2, 60);
	ip[8] = 64;
	ip[9] = 6;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	uint8_t *tcp = ip + 20;
	be16(tcp, sport);
	be16(tcp + 2, dport);
	tcp[12] = 0x50;
	tcp[13] = flags;
	return 74;
}

static void record(FILE *f, uint32_t sec, uint32_t usec, const uint8_t *b,
		   size_t n)
{
	put32(f, sec);
	put32(f, usec);
	put32(f, (uint32_t)n);
	put32(f, (uint32_t)n);
	fwrite(b, 1, n, f);
}

static int flows(unsigned long packets, unsigned long nflows, FILE *f)
{
	uint8_t b[128];
	unsigned long written = 0;

	pcap_header(f, 1);
	/* Clients 10.x.y.z, ports 32768-60999; servers 192.168.0.1-16. */
	for (unsigned long i = 0; i < nflows && written + 2 <= packets; i++) {
		uint32_t cl = 0x0a000000u + (uint32_t)(i / 28000) + 1;
		unsigned cp = 32768 + (unsigned)(i % 28000);
		uint32_t sv = 0xc0a80001u + (uint32_t)(i % 16);
		unsigned sp = 80 + (unsigned)(i % 16);
		record(f, (uint32_t)(written / 1000000), (uint32_t)(written % 1000000), b,
		       tcp_packet(b, cl, sv, cp, sp, 0x02));
		record(f, (uint32_t)(written / 1000000), (uint32_t)(written % 1000000), b,
		       tcp_packet(b, sv, cl, sp, cp, 0x12));
		written += 2;
	}
	for (unsigned long i = 0; written < packets; i++, written++) {
		unsigned long k = i % nflows;
		uint32_t cl = 0x0a000000u + (uint32_t)(k / 28000) + 1;
		unsigned cp = 32768 + (unsigned)(k % 28000);
		uint32_t sv = 0xc0a80001u + (uint32_t)(k % 16);
		unsigned sp = 80 + (unsigned)(k % 16);
		size_t n = (i / nflows) % 2 ? tcp_packet(b, sv, cl, sp, cp, 0x18) :
					      tcp_packet(b, cl, sv, cp, sp, 0x18);
		record(f, (uint32_t)(written / 1000000), (uint32_t)(written % 1000000), b, n);
	}
	return ferror(f) ? 3 : 0;
}

static int to_ng(FILE *in, FILE *out)
{
	uint32_t h[6];
	uint8_t buf[65536 + 16];

	if (fread(h, 4, 6, in) != 6 || h[0] != 0xa1b2c3d4u)
		return 3;
	/* Section header block */
	put32(out, 0x0a0d0d0au);
	put32(out, 28);
	put32(out, 0x1a2b3c4du);
	put16(out, 1);
	put16(out, 0);
	put32(out, 0xffffffffu);
	put32(out, 0xffffffffu);
	put32(out, 28);
	/* Interface description block */
	put32(out, 1);
	put32(out, 20);
	put16(out, (uint16_t)h[5]);
	put16(out, 0);
	put32(out, h[4]);
	put32(out, 20);
	uint32_t r[4];
	while (fread(r, 4, 4, in) == 4) {
		if (r[2] > 65536 || fread(buf, 1, r[2], in) != r[2])
			return 3;
		uint32_t pad = (4 - r[2] % 4) % 4;
		uint32_t len = 32 + r[2] + pad;
		uint64_t ts = (uint64_t)r[0] * 1000000u + r[1];
		put32(out, 6);
		put32(out, len);
		put32(out, 0);
		put32(out, (uint32_t)(ts >> 32));
		put32(out, (uint32_t)ts);
		put32(out, r[2]);
		put32(out, r[3]);
		memset(buf + r[2], 0, pad);
		fwrite(buf, 1, r[2] + pad, out);
		put32(out, len);
	}
	return ferror(out) ? 3 : 0;
}

int main(int argc, char **argv)
{
	int rc = 2;
	FILE *out;

	if (argc == 5 && strcmp(argv[1], "flows") == 0) {
		unsigned long p = strtoul(argv[2], NULL, 10), n = strtoul(argv[3], NULL, 10);
		if (n == 0 || (out = fopen(argv[4], "wb")) == NULL)
			return n == 0 ? 2 : 3;
		rc = flows(p, n, out);
	} else if (argc == 4 && strcmp(argv[1], "ng") == 0) {
		FILE *in = fopen(argv[2], "rb");
		if (in == NULL || (out = fopen(argv[3], "wb")) == NULL)
			return 3;
		rc = to_ng(in, out);
		fclose(in);
	} else if (argc == 4 && strcmp(argv[1], "link") == 0) {
		uint8_t b[60] = { 0 };
		if ((out = fopen(argv[3], "wb")) == NULL)
			return 3;
		pcap_header(out, (uint32_t)strtoul(argv[2], NULL, 10));
		record(out, 0, 0, b, sizeof b);
		rc = ferror(out) ? 3 : 0;
	} else {
		fputs("usage: mkpcap flows PACKETS FLOWS OUT | ng IN OUT | link LINKTYPE OUT\n", stderr);
		return 2;
	}
	if (fclose(out) != 0)
		rc = 3;
	return rc;
}

/* pcap_floor.c - the floor for any pcap reader: libpcap reading every
 * packet of a file (pcap_next_ex) and doing nothing with it.  Prints the
 * packet count.  Linked with libpcap directly: it is a benchmark, not
 * part of portkit. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0, bytes = 0;

	if (argc != 2)
		return 2;
	pcap_t *p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap_floor: %s\n", errbuf);
		return 3;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		n++;
		bytes += h->caplen;
	}
	pcap_close(p);
	printf("%lu packets, %lu bytes\n", n, bytes);
	return 0;
}

/* ranges.c - operating systems' default ephemeral port ranges.
 *
 * Each entry names where its numbers come from: the source file or the
 * vendor document that sets the default.  The table is static and read
 * only: there is no state to free. */
#include <stddef.h>

#include "core/internal.h"

static const pk_os_profile profiles[] = {
	/* net/ipv4/af_inet.c, inet_init_net(): ip_local_ports.range =
	 * {32768, 60999}.  Commit 07f4c90062f8 (2015, Linux 4.2) moved the
	 * top from 61000 to 60999 so that the range holds an even number of
	 * ports: connect() tries one parity first and bind(0) the other. */
	{ "linux", "Linux 4.2 and later", 32768, 60999, true,
	  "net/ipv4/af_inet.c inet_init_net(); commit 07f4c90062f8 (Linux 4.2); ip-sysctl.rst ip_local_port_range" },
	/* The default before 07f4c90062f8; 2.4's tcp_init() already chose it
	 * on machines with large enough hash tables. */
	{ "linux-old", "Linux 2.6 to 4.1", 32768, 61000, false,
	  "sysctl_local_port_range default before commit 07f4c90062f8; ip-sysctl.txt before Linux 4.2" },
	/* net/ipv4/tcp_ipv4.c in 2.2/2.4: sysctl_local_port_range[2] =
	 * {1024, 4999}, "for high-usage systems, use sysctl to change this
	 * to 32768-61000"; tcp_init() raised it on large-memory machines.
	 * (1024-32767 is sometimes quoted for it; the source says 4999.) */
	{ "linux-2.4", "Linux 2.2 and 2.4 (small-memory default)", 1024, 4999, false,
	  "net/ipv4/tcp_ipv4.c sysctl_local_port_range = {1024, 4999} and tcp_init() in Linux 2.2/2.4" },
	/* sys/netinet/in.h: IPPORT_EPHEMERALFIRST 10000, IPPORT_EPHEMERALLAST
	 * 65535 (net.inet.ip.portrange.first/last), since FreeBSD 10.0. */
	{ "freebsd", "FreeBSD 10.0 and later", 10000, 65535, true,
	  "sys/netinet/in.h IPPORT_EPHEMERALFIRST/IPPORT_EPHEMERALLAST; sysctl net.inet.ip.portrange.first/last" },
	{ "freebsd-4.6", "FreeBSD 4.6 to 9.x", 49152, 65535, false,
	  "FreeBSD 4.6 release notes: net.inet.ip.portrange.first/last default to 49152-65535 (until 10.0)" },
	/* 4.4BSD sys/netinet/in.h: IPPORT_RESERVED 1024, IPPORT_USERRESERVED
	 * 5000; in_pcbbind() wraps lport between the two. */
	{ "bsd", "BSD traditional (4.4BSD and its early descendants)", 1024, 5000, false,
	  "4.4BSD sys/netinet/in.h IPPORT_RESERVED..IPPORT_USERRESERVED; in_pcbbind()" },
	{ "netbsd", "NetBSD", 49152, 65535, false,
	  "NetBSD sys/netinet/in.h IPPORT_ANONMIN/IPPORT_ANONMAX; sysctl net.inet.ip.anonportmin/anonportmax" },
	{ "openbsd", "OpenBSD", 1024, 49151, false,
	  "OpenBSD sys/netinet/in.h IPPORT_RESERVED..IPPORT_USERRESERVED; sysctl net.inet.ip.portfirst/portlast" },
	{ "macos", "macOS (and iOS)", 49152, 65535, true,
	  "XNU bsd/netinet/in.h IPPORT_HIFIRSTAUTO/IPPORT_HILASTAUTO; sysctl net.inet.ip.portrange.first/last" },
	{ "windows", "Windows Vista, 7, Server 2008 and later", 49152, 65535, true,
	  "Microsoft KB 929851: the default dynamic port range for TCP/IP has changed in Windows Vista and Windows Server 2008" },
	{ "windows-xp", "Windows XP and Server 2003", 1025, 5000, false,
	  "Microsoft KB 929851 and the MaxUserPort registry value (default 5000)" },
	{ "windows-exchange", "Windows Server 2008 with Exchange Server 2007", 1025, 60000, false,
	  "Microsoft KB 929851: Exchange Server 2007 setup on Windows Server 2008 sets the range to 1025-60000" },
	{ "solaris", "Solaris and illumos", 32768, 65535, false,
	  "Solaris Tunable Parameters Reference Manual: tcp_smallest_anon_port/tcp_largest_anon_port" },
	{ "aix", "AIX", 32768, 65535, false,
	  "AIX network options (no): tcp_ephemeral_low/tcp_ephemeral_high, udp_ephemeral_low/high" },
	{ "iana", "IANA Dynamic and/or Private Ports", 49152, 65535, false,
	  "RFC 6335 section 6: Dynamic Ports 49152-65535" },
	{ "rfc6056", "RFC 6056 recommendation", 1024, 65535, false,
	  "RFC 6056 section 3.2: use the whole range 1024-65535 for ephemeral ports" },
};

const pk_os_profile *pk_os_profiles(size_t *count)
{
	if (count != NULL)
		*count = sizeof profiles / sizeof profiles[0];
	return profiles;
}

const pk_os_profile *pk_os_profile_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (pk__strcasecmp(profiles[i].id, id) == 0)
			return &profiles[i];
	return NULL;
}

#!/usr/bin/perl
# holdports.pl SPEC... - holds sockets for the audit tests, using only
# perl-base (Socket), which every Debian system has.
#
#   tcp4:PORT         listen on 0.0.0.0:PORT (0: the kernel picks)
#   tcp6:PORT[:only]  listen on [::]:PORT, dual-stack unless ":only"
#   udp4:PORT         bind a UDP socket on 0.0.0.0:PORT
#   conn:PORT:N       N TCP connections to 127.0.0.1:PORT
#
# Prints "SPEC PORT" per socket (the port bound or connected from), then
# "ready", and holds everything until its standard input closes.
use strict;
use warnings;
use Socket qw(:all);

$| = 1;
my @keep;
for my $spec (@ARGV) {
	my ($kind, $port, $opt) = split /:/, $spec;
	if ($kind eq 'tcp4' || $kind eq 'udp4') {
		my $tcp = $kind eq 'tcp4';
		socket(my $s, AF_INET, $tcp ? SOCK_STREAM : SOCK_DGRAM, 0) or die "socket: $!";
		bind($s, pack_sockaddr_in($port, INADDR_ANY)) or die "bind $spec: $!";
		listen($s, 1024) or die "listen: $!" if $tcp;
		my ($p) = unpack_sockaddr_in(getsockname($s));
		print "$spec $p\n";
		push @keep, $s;
	} elsif ($kind eq 'tcp6') {
		socket(my $s, AF_INET6, SOCK_STREAM, 0) or die "socket: $!";
		setsockopt($s, IPPROTO_IPV6, IPV6_V6ONLY, ($opt // '') eq 'only' ? 1 : 0)
			or die "IPV6_V6ONLY: $!";
		bind($s, pack_sockaddr_in6($port, IN6ADDR_ANY)) or die "bind $spec: $!";
		listen($s, 1024) or die "listen: $!";
		my ($p) = unpack_sockaddr_in6(getsockname($s));
		print "$spec $p\n";
		push @keep, $s;
	} elsif ($kind eq 'conn') {
		for (1 .. $opt) {
			socket(my $s, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
			connect($s, pack_sockaddr_in($port, INADDR_LOOPBACK)) or die "connect $spec: $!";
			my ($p) = unpack_sockaddr_in(getsockname($s));
			print "$spec $p\n";
			push @keep, $s;
		}
	} else {
		die "holdports.pl: unknown spec '$spec'\n";
	}
}
print "ready\n";
1 while <STDIN>;

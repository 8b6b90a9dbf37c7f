# bash completion for portkit(1).
# Subcommands, their options, and the values of options: transports,
# formats, profiles, files and directories; nothing (rather than options)
# after an option whose value is a number, a port or a name.  Service
# names are not completed (there are thousands: use `portkit search`).

_portkit()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	local commands="lookup search range info import update ranges sim pick advise audit listeners app firewall export serve classify top help"
	local common="--proto --long --json --index --color --no-color --help"
	# The profile ids of `portkit ranges --json` (tests/cli/test_completion.sh
	# checks that they are the same).
	local os_ids="linux linux-old linux-2.4 freebsd freebsd-4.6 bsd netbsd openbsd macos windows windows-xp windows-exchange solaris aix iana rfc6056"

	# The subcommand: the first word that is neither an option nor the
	# value of one.
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-p|--proto|--index|--file|-o|--output|--format|-f|--url|--config|--write-sysctl|-w|--expect|-e|--proc-root|--color|--limit|--cursor) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	# Short options that mean different things in different commands.
	case $cmd:$prev in
	pick:-c|pick:-n|pick:-N|pick:-r|pick:-x|advise:-N|advise:-P)
		return ;;
	audit:-c|import:-f)
		[[ $prev == -c ]] && COMPREPLY=($(compgen -f -- "$cur"))
		[[ $prev == -f ]] && COMPREPLY=($(compgen -W "auto xml csv services npm-json nmap-services" -- "$cur"))
		return ;;
	esac

	case $prev in
	-p|--proto)
		COMPREPLY=($(compgen -W "tcp udp sctp dccp any" -- "$cur"))
		return ;;
	--index|--file|-o|--output|--config|--write-sysctl|-w|--svg|--catalog)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--proc-root)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return ;;
	--state)
		COMPREPLY=($(compgen -W "listening established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait close-wait last-ack closing closed connected" -- "$cur"))
		return ;;
	--format)
		case $cmd in
		update) COMPREPLY=($(compgen -W "xml csv" -- "$cur")) ;;
		export) COMPREPLY=($(compgen -W "services" -- "$cur")) ;;
		firewall) COMPREPLY=($(compgen -W "nft iptables ip6tables ufw firewalld pf" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "auto xml csv services npm-json nmap-services" -- "$cur")) ;;
		esac
		return ;;
	--class)
		COMPREPLY=($(compgen -W "user dynamic" -- "$cur"))
		return ;;
	--avoid-os)
		# A comma-separated LIST: complete its last element.
		local head=""
		[[ $cur == *,* ]] && head=${cur%,*},
		COMPREPLY=($(compgen -P "$head" -W "common all none $os_ids" -- "${cur##*,}"))
		return ;;
	--os)
		COMPREPLY=($(compgen -W "$os_ids" -- "$cur"))
		return ;;
	--algo)
		COMPREPLY=($(compgen -W "sequential descending rfc6056-1 rfc6056-2 rfc6056-3 rfc6056-4 rfc6056-5 linux linux-2021 freebsd" -- "$cur"))
		return ;;
	--metric)
		COMPREPLY=($(compgen -W "probes p99 max failures reuse-tw pred-blind pred-same pred-own leak chi2 ns" -- "$cur"))
		return ;;
	--url)
		COMPREPLY=($(compgen -W "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml" -- "$cur"))
		return ;;
	# Numbers, ports, port lists, names and free text: nothing to offer,
	# and certainly not options.
	--user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return ;;
	--expect|-e|--near|--count|--name|--port|--process|--range|--exclude|--description|--reference|--assignee|--contact|--timeout|--occupancy|--destinations|--rate|--lifetime|--time-wait|--connections|--attacker-share|--guesses|--leak-trials|--leak-conns|--reserved|--seed|--observe|--observe-time|--limit|--cursor|--listen|--cors|--max-connections|--threads|--source|--policy|--search|--max-flows|--idle)
		return ;;
	esac

	local opts
	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common --porcelain --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return ;;
	help)
		COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
		return ;;
	lookup) opts="--porcelain --popular --limit --cursor" ;;
	search) opts="--popular --limit --cursor" ;;
	info) opts="" ;;
	range) opts="--assigned --unassigned --limit --cursor" ;;
	import)
		if [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi
		opts="--format --output --strict --force --add" ;;
	update) opts="--url --file --format --system --output --timeout --force" ;;
	ranges) opts="--os --host" ;;
	sim) opts="--range --os --occupancy --algo --destinations --rate --lifetime --time-wait --connections --attacker-share --guesses --leak-trials --leak-conns --reserved --seed --csv --svg --metric --observe --observe-time" ;;
	pick) opts="--count --range --class --near --name --exclude --avoid-os --allow-assigned --allow-unofficial --no-host-check --porcelain" ;;
	advise) opts="--name --port --draft --description --reference --assignee --contact" ;;
	audit) opts="--expect --config --write-sysctl --quiet --proc-root" ;;
	listeners) opts="--port --process --user --numeric --all --state --proc-root" ;;
	app) opts="--search --port --list --catalog --crosswalk --firewalld --ufw" ;;
	firewall) opts="--format --in --out --source --policy --name --check --catalog" ;;
	export) opts="--format" ;;
	serve)
		# serve takes --index but none of the other common options.
		[[ $cur == -* || -z $cur ]] && COMPREPLY=($(compgen -W "--listen --index --quiet --cors --timeout --max-connections --threads --help" -- "$cur"))
		return ;;
	classify)
		if [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi
		opts="--summary --csv --max-flows --idle --live" ;;
	top) opts="" ;;
	esac
	[[ $cur == -* || -z $cur ]] && COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
}
complete -F _portkit portkit

# bash completion for portkit(1).
# Subcommands, their options, transports, formats and files; service names
# are not completed (there are thousands: use `portkit search`).

_portkit()
{
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	local commands="lookup search range info import update ranges sim pick advise audit listeners app firewall export serve classify top"
	local common="--proto --long --json --index --no-color --help"
	# The profile ids of `portkit ranges --json` (tests/cli/test_completion.sh
	# checks that they are the same).
	local os_ids="linux linux-old linux-2.4 freebsd freebsd-4.6 bsd netbsd openbsd macos windows windows-xp windows-exchange solaris aix iana rfc6056"

	case $prev in
	-p|--proto)
		COMPREPLY=($(compgen -W "tcp udp sctp dccp any" -- "$cur"))
		return ;;
	--index|--file|-o|--output|--config|-c|--write-sysctl|-w)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "auto xml csv services npm-json nmap-services" -- "$cur"))
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
	--svg)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--url)
		COMPREPLY=($(compgen -W "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml" -- "$cur"))
		return ;;
	esac

	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-p|--proto|--index|--file|-o|--output|--format|--url|--config|-c|--write-sysctl|-w|--expect|-e|--proc-root|--limit|--cursor|--listen|--cors|--timeout|--max-connections|--threads) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$common --limit --cursor --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi ;;
	range)
		COMPREPLY=($(compgen -W "$common --assigned --unassigned --limit --cursor" -- "$cur")) ;;
	import)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--format --output -o --strict --force --add --json --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	update)
		COMPREPLY=($(compgen -W "--url --file --format --system --output -o --timeout --force --long --json --index --help" -- "$cur")) ;;
	info)
		COMPREPLY=($(compgen -W "--json --index --help" -- "$cur")) ;;
	ranges)
		COMPREPLY=($(compgen -W "--os --host --long --json --index --help" -- "$cur")) ;;
	sim)
		COMPREPLY=($(compgen -W "--range --os --occupancy --algo --destinations --rate --lifetime --time-wait --connections --attacker-share --guesses --leak-trials --leak-conns --reserved --seed --csv --svg --metric --observe --observe-time --json --help" -- "$cur")) ;;
	pick)
		COMPREPLY=($(compgen -W "--count --range --class --near --name --avoid-os --allow-assigned --allow-unofficial --no-host-check --proto --json --index --help" -- "$cur")) ;;
	advise)
		COMPREPLY=($(compgen -W "--name --port --draft --description --reference --assignee --contact --proto --json --index --help" -- "$cur")) ;;
	audit)
		COMPREPLY=($(compgen -W "--expect --config --write-sysctl --quiet --proc-root --json --index --no-color --help" -- "$cur")) ;;
	listeners)
		COMPREPLY=($(compgen -W "--proto --proc-root --json --index --no-color --help" -- "$cur")) ;;
	app)
		COMPREPLY=($(compgen -W "--search --port --list --catalog --crosswalk --firewalld --ufw --json --index --help" -- "$cur")) ;;
	firewall)
		COMPREPLY=($(compgen -W "--format --in --out --source --policy --name --check --catalog --index --help" -- "$cur")) ;;
	export)
		COMPREPLY=($(compgen -W "--format --index --help" -- "$cur")) ;;
	search|lookup)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$common --limit --cursor" -- "$cur")) ;;
	serve)
		COMPREPLY=($(compgen -W "--listen --index --quiet --cors --timeout --max-connections --threads --help" -- "$cur")) ;;
	classify)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--summary --csv --max-flows --idle --live --json --index --no-color --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	search)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "--popular $common" -- "$cur")) ;;
	top)
		COMPREPLY=($(compgen -W "--proto --json --index --no-color --help" -- "$cur")) ;;
	*)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	esac
}
complete -F _portkit portkit

# zcomplete.zsh - what zsh offers for a command line: the completion system
# started from DIR (compinit, as a user's .zshrc would), the line typed into
# an interactive zsh on a pseudo-terminal (zsh/zpty), TAB pressed, and every
# candidate the completion functions add printed one per line, sorted.
#   zsh -f tests/zcomplete.zsh DIR 'pdc-enqueue --pri'
zmodload zsh/zpty || exit 1
dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "PS1='' RPROMPT=''; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# Report each candidate the completion adds, between \x02 marks (that never
# appear in the terminal's echo of this definition), then add it as usual.
zpty -w z 'compadd() { local -a m; local w s=$'"'\\x02'"'; builtin compadd -O m "$@"; for w in $m; do print -rn -- $'"'\\n'"'"$s$w$s"; done; builtin compadd "$@" }'
zpty -w -n z "$line"$'\t'
sleep 1
zpty -w -n z $'\C-u''print ZZ""DONE'$'\n'
all=""
integer end=$(( SECONDS + 30 ))
while (( SECONDS < end )); do
	if zpty -r -t z chunk; then
		all+=$chunk
		[[ $all == *ZZDONE* ]] && break
	else
		sleep 0.1
	fi
done
zpty -d z
print -r -- "$all" | tr -d '\r' | grep -ao $'\x02[^\x02]*\x02' | tr -d '\002' | sort -u

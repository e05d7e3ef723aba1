# fish completion for the pdc programs.  One file for all eight: `make
# install` puts a copy under each program's name in vendor_completions.d.
#
# Each program's options are its block of `complete -c PROG` lines, one line
# per option (-s short, -l long, -x when it takes an argument), as in its man
# page.  A new option goes there (tests/70-docs.bats fails until it does).

set -l __pdc_profiles 'conservative high-performance auto'
set -l __pdc_priorities 'critical high normal low'

for prog in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-changes pdc-db
    complete -c $prog -e
    complete -c $prog -f
end

complete -c pdc-search -s h -l help -d 'print the usage and exit'
complete -c pdc-search -l version -d 'print the version and exit'
complete -c pdc-search -s l -l limit -x -d 'print at most N rows'
complete -c pdc-search -l enqueue -x -d 'queue the first N rows'
complete -c pdc-search -l header -d 'a header line before TSV'
complete -c pdc-search -l json -d 'JSON Lines'
complete -c pdc-search -l profile -x -a "$__pdc_profiles" -d 'configuration profile'

complete -c pdc-enqueue -s h -l help -d 'print the usage and exit'
complete -c pdc-enqueue -l version -d 'print the version and exit'
complete -c pdc-enqueue -s f -l force -d 'queue even what was collected lately'
complete -c pdc-enqueue -l header -d 'a header line before TSV'
complete -c pdc-enqueue -l json -d 'JSON Lines'
complete -c pdc-enqueue -s p -l priority -x -a "$__pdc_priorities" -d 'priority of the jobs'
complete -c pdc-enqueue -l profile -x -a "$__pdc_profiles" -d 'configuration profile'
complete -c pdc-enqueue -l timeout -x -d 'wait at most S seconds'
complete -c pdc-enqueue -l top -x -d 'take the first N APNs'
complete -c pdc-enqueue -l wait -d 'wait until collected or failed'

complete -c pdc-worker -s h -l help -d 'print the usage and exit'
complete -c pdc-worker -l version -d 'print the version and exit'
complete -c pdc-worker -l apn -x -d 'collect one APN now, without the queue'
complete -c pdc-worker -l ca-file -r -F -d 'trust the CAs in FILE'
complete -c pdc-worker -l drain -d 'exit when nothing is due'
complete -c pdc-worker -s j -l jobs -x -d 'N concurrent jobs'
complete -c pdc-worker -l keep-days -x -d 'keep finished jobs DAYS days'
complete -c pdc-worker -l pause -d 'stop claiming, on every worker'
complete -c pdc-worker -l profile -x -a "$__pdc_profiles" -d 'configuration profile'
complete -c pdc-worker -l reparse -d 'rebuild records from stored responses'
complete -c pdc-worker -l resume -d 'start claiming again'

complete -c pdc-status -s h -l help -d 'print the usage and exit'
complete -c pdc-status -l version -d 'print the version and exit'
complete -c pdc-status -l header -d 'a header line before TSV'
complete -c pdc-status -l json -d 'JSON Lines'
complete -c pdc-status -l profile -x -a "$__pdc_profiles" -d 'configuration profile'
complete -c pdc-status -l timeout -x -d 'wait at most S seconds'
complete -c pdc-status -l wait -d 'wait until nothing is open'
complete -c pdc-status -l watch -d 'redraw in place'
complete -c pdc-status -l interval -x -d 'seconds between --watch frames'
complete -c pdc-status -l follow -d 'stream job events as they happen'

complete -c pdc-stats -s h -l help -d 'print the usage and exit'
complete -c pdc-stats -l version -d 'print the version and exit'
complete -c pdc-stats -l header -d 'a header line before TSV'
complete -c pdc-stats -l json -d 'one JSON object'
complete -c pdc-stats -l profile -x -a "$__pdc_profiles" -d 'configuration profile'
complete -c pdc-stats -l prometheus -d 'the Prometheus text format'

complete -c pdc-show -s h -l help -d 'print the usage and exit'
complete -c pdc-show -l version -d 'print the version and exit'
complete -c pdc-show -l json -d 'one JSON object per record'
complete -c pdc-show -l history -d 'the record changes, newest first'
complete -c pdc-show -l profile -x -a "$__pdc_profiles" -d 'configuration profile'

complete -c pdc-changes -s h -l help -d 'print the usage and exit'
complete -c pdc-changes -l version -d 'print the version and exit'
complete -c pdc-changes -l follow -d 'stream changes as collections land'
complete -c pdc-changes -l json -d 'JSON Lines'
complete -c pdc-changes -l tsv -d 'TSV even on a terminal'
complete -c pdc-changes -l kind -x -a 'sale owner mailing tax valuation residential record' -d 'only these kinds'
complete -c pdc-changes -l since -x -d 'changes since a date or for a duration'
complete -c pdc-changes -l profile -x -a "$__pdc_profiles" -d 'configuration profile'

complete -c pdc-db -s h -l help -d 'print the usage and exit'
complete -c pdc-db -l version -d 'print the version and exit'
complete -c pdc-db -l header -d 'a header line before TSV'
complete -c pdc-db -l json -d 'config or probe as JSON Lines'
complete -c pdc-db -l profile -x -a "$__pdc_profiles" -d 'configuration profile'
set -l __pdc_db_subs start stop status url check migrate config probe
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a start -d 'start the embedded cluster'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a stop -d 'stop the embedded cluster'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a status -d 'is the database up'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a url -d 'print the connection URL'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a check -d 'connect and check the schema'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a migrate -d 'bring the schema up to date'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a config -d 'print the configuration'
complete -c pdc-db -n "not __fish_seen_subcommand_from $__pdc_db_subs" -a probe -d 'check the county services for a parcel'

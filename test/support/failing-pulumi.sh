#!/bin/sh
# A fake `pulumi` that records each call like packages/nx-pulumi/test/support/fake-pulumi.sh and
# fails `up` of one stack: FAKE_PULUMI_FAIL="<program folder name> <stack>", e.g. "iam dev".
printf '%s\t%s\n' "$(pwd)" "$*" >> "${FAKE_PULUMI_LOG:?FAKE_PULUMI_LOG must name the log file}"
set -- "$@"
if [ "$1" = "up" ] && [ -n "${FAKE_PULUMI_FAIL:-}" ]; then
  kind=${FAKE_PULUMI_FAIL% *}
  stack=${FAKE_PULUMI_FAIL#* }
  case "$(pwd)" in
    */stacks/"$kind")
      case " $* " in
        *" --stack $stack "*) echo "error: update of $kind/$stack failed (fake)" >&2; exit 1 ;;
      esac
      ;;
  esac
fi
exit 0

#!/bin/sh
# Records each call (working directory and arguments) instead of talking to a cloud.
printf '%s\t%s\n' "$(pwd)" "$*" >> "${FAKE_PULUMI_LOG:?FAKE_PULUMI_LOG must name the log file}"

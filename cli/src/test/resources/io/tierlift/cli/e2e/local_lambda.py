"""Plays Lambda's runtime for one invocation: imports tierlift_lambda from an unpacked package (a cold
start), calls its handler with one event and writes the result as JSON.

    python3 local_lambda.py TASK_ROOT EVENT_JSON OUT_FILE

The environment is the invoked version's configuration as the test read it from the emulator.
"""
import json
import sys

task_root, event_text, out_file = sys.argv[1:4]
sys.path.insert(0, task_root)


class Context:
    aws_request_id = "local-test"

    def get_remaining_time_in_millis(self):
        return 60000


import tierlift_lambda  # noqa: E402  (after the task root is on the path, as Lambda does)

with open(out_file, "w", encoding="utf-8") as f:
    json.dump(tierlift_lambda.handler(json.loads(event_text), Context()), f)

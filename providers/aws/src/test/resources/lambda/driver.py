"""Plays the Lambda runtime for tests: loads tierlift_lambda from an unpacked package once (one
cold start), invokes its handler with each event file in order, and writes the results as JSON.

    python3 -S driver.py TASK_ROOT RUNTIME_PATH OUT_FILE EVENT_FILE...

TASK_ROOT is the unpacked package (Lambda's /var/task); RUNTIME_PATH holds what the Lambda
runtime itself provides (here a stand-in boto3), or is empty. Run with -S so that nothing but the
standard library and the package can be imported, as on Lambda.
"""
import json
import sys
import traceback

task_root, runtime_path, out_file = sys.argv[1:4]
event_files = sys.argv[4:]
if runtime_path:
    sys.path.insert(0, runtime_path)
sys.path.insert(0, task_root)


class Context:
    aws_request_id = "local-test"
    function_name = "notes-test-api"

    def get_remaining_time_in_millis(self):
        return 60000


result = {"importError": None, "results": []}
try:
    import tierlift_lambda
except Exception as exc:
    traceback.print_exc()
    result["importError"] = str(exc)
else:
    for path in event_files:
        with open(path, encoding="utf-8") as f:
            event = json.load(f)
        result["results"].append(tierlift_lambda.handler(event, Context()))
with open(out_file, "w", encoding="utf-8") as f:
    json.dump(result, f)

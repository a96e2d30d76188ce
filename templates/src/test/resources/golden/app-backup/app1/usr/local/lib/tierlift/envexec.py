#!/usr/bin/python3
"""Run a command with extra environment variables read from a JSON file.

Usage: envexec.py ENV_JSON -- COMMAND [ARGS...]

ENV_JSON holds one JSON object of string values. They are added to the current environment and
COMMAND replaces this process (exec), so it keeps the process id systemd or a pid file knows.
tierlift passes the app's settings this way because the values (database passwords included)
then never meet a shell, a command line that every local user can read in /proc, or the
quoting rules of systemd's EnvironmentFile.

Errors name the file and the variable, never a value.
"""
import json
import os
import sys

EX_USAGE = 64
EX_DATAERR = 65
EX_NOINPUT = 66
NOT_FOUND = 127
NOT_EXECUTABLE = 126


def fail(code, message):
    sys.stderr.write("envexec: " + message + "\n")
    sys.exit(code)


def read_variables(path):
    try:
        with open(path, encoding="utf-8") as handle:
            values = json.load(handle)
    except OSError as error:
        fail(EX_NOINPUT, "cannot read %s: %s" % (path, error.strerror))
    except ValueError as error:
        # Report the position only: the message of a decode error may quote the file's text.
        position = ""
        if hasattr(error, "lineno"):
            position = " at line %d, column %d" % (error.lineno, error.colno)
        fail(EX_DATAERR, "%s is not valid JSON%s" % (path, position))
    if not isinstance(values, dict):
        fail(EX_DATAERR, "%s must hold a JSON object of variables" % path)
    for name, value in values.items():
        if not name or "=" in name or "\0" in name:
            fail(EX_DATAERR, "%s: %r is not a valid variable name" % (path, name))
        if not isinstance(value, str) or "\0" in value:
            fail(EX_DATAERR, "%s: the value of %s must be a string without NUL characters" % (path, name))
    return values


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        fail(EX_USAGE, "usage: envexec.py ENV_JSON -- COMMAND [ARGS...]")
    variables = read_variables(argv[1])
    command = argv[3:]
    environment = dict(os.environ)
    environment.update(variables)
    try:
        os.execvpe(command[0], command, environment)
    except FileNotFoundError:
        fail(NOT_FOUND, "cannot run %s: no such file" % command[0])
    except OSError as error:
        fail(NOT_EXECUTABLE, "cannot run %s: %s" % (command[0], error.strerror))


if __name__ == "__main__":
    main(sys.argv)

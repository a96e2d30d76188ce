"""Writes the Ansible inventory and per-host file lists for the benchmark fleet from tierlift's render."""
import os
import sys

fleet, state, _ = sys.argv[1], sys.argv[2], sys.argv[3]
render = os.path.join(fleet, "render", "onprem")
owners = {"/etc/postgresql/": "postgres", "/var/lib/postgresql/": "postgres"}
services = [("/etc/nginx/", "nginx"), ("/srv/", "nginx"), ("/etc/postgresql/", "postgres"),
            ("/etc/notes/", "app"), ("/etc/systemd/", "app"), ("/usr/local/lib/tierlift/", "app"),
            ("/etc/tierlift/firewall", "firewall")]
sensitive = ("app-env.json", ".pgpass", ".key")
print("[all]")
for host in sorted(os.listdir(render)):
    files = []
    base = os.path.join(render, host)
    for dirpath, _, names in os.walk(base):
        for name in sorted(names):
            if name.endswith(sensitive):
                continue
            path = "/" + os.path.relpath(os.path.join(dirpath, name), base)
            mode = oct(os.stat(os.path.join(dirpath, name)).st_mode & 0o777)[2:].zfill(4)
            owner = next((o for prefix, o in owners.items() if path.startswith(prefix)), "root")
            service = next((s for prefix, s in services if path.startswith(prefix)), "none")
            files.append(f"{path}|{owner}|{mode}|{service}")
    print(f"{host} ansible_user=root files={','.join(files)}")

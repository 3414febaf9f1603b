/* Audit program (native only: WASI has no exec): gaining root through a privileged helper. As the
 * attacker ("attack DIR HELPER") it drops to uid/gid 65534 and executes DIR/HELPER, a copy of
 * itself the harness placed there as setuid-root (HELPER audit-suid-helper) or with the file
 * capability cap_setuid+ep (audit-fcap-helper); started as 65534 already (a container's
 * process.user), it skips the drop. As the helper ("helper DIR") it tries to become
 * uid 0 and, if it is, creates DIR/audit-root-<nonce>: a file owned by root made by a process that
 * started as 65534 is what the harness looks for. no_new_privs makes the kernel ignore both the
 * setuid bit and file capabilities on exec. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"

static int attack(const char *self_nonce, const char *dir, const char *helper) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, helper);
  if (getuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
                        setresuid(65534, 65534, 65534) != 0)) {
    audit_denied("dropping to uid 65534 first");
    return 1;
  }
  char *const argv[] = {path, (char *)self_nonce, "helper", (char *)dir, NULL};
  execv(path, argv);
  audit_denied(path);
  return 1;
}

static int helper(const char *nonce, const char *dir) {
  char detail[256];
  const uid_t ruid = getuid(), euid = geteuid();
  if (setresuid(0, 0, 0) != 0) { /* works with euid 0 (setuid) or CAP_SETUID (file capability) */
    snprintf(detail, sizeof detail, "setresuid(0) as ruid %d euid %d after the exec", (int)ruid,
             (int)euid);
    audit_denied(detail);
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/audit-root-%s", dir, nonce);
  const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  snprintf(detail, sizeof detail, "uid 0 gained (ruid %d euid %d after the exec)%s", (int)ruid,
           (int)euid, fd < 0 ? ", but creating the proof file failed" : "");
  audit_ok(detail);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  audit_nonce = argv[1];
  if (!strcmp(argv[2], "attack") && argc >= 5)
    return attack(argv[1], argv[3], argv[4]);
  if (!strcmp(argv[2], "helper"))
    return helper(argv[1], argv[3]);
  return 2;
}

/* Audit program: reports, then spins forever; the harness's timeout must stop it and everything
 * it runs in (no process may survive the kill). */
#include "audit.h"

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  audit_nonce = argv[1];
  audit_ok("spinning");
  volatile unsigned long n = 0;
  for (;;)
    n++;
}

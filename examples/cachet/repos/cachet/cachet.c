/* cachet: a tiny in-memory key-value store that reads commands from stdin.
 *   PING | SET key value | GET key | DEL key | COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CACHET_VERSION
#define CACHET_VERSION "unknown"
#endif
#ifndef CACHET_COMMIT
#define CACHET_COMMIT "unknown"
#endif

#define MAX_KEYS 1024
#define MAX_LEN 256

static char keys[MAX_KEYS][MAX_LEN];
static char values[MAX_KEYS][MAX_LEN];
static int used[MAX_KEYS];

static int find(const char *key) {
  for (int i = 0; i < MAX_KEYS; i++)
    if (used[i] && strcmp(keys[i], key) == 0) return i;
  return -1;
}

static int count(void) {
  int n = 0;
  for (int i = 0; i < MAX_KEYS; i++) n += used[i];
  return n;
}

static void set(const char *key, const char *value) {
  int i = find(key);
  if (i < 0)
    for (i = 0; i < MAX_KEYS && used[i]; i++) {
    }
  if (i >= MAX_KEYS) {
    puts("-ERR full");
    return;
  }
  snprintf(keys[i], MAX_LEN, "%s", key);
  snprintf(values[i], MAX_LEN, "%s", value);
  used[i] = 1;
  puts("+OK");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("cachet %s (%s)\n", CACHET_VERSION, CACHET_COMMIT);
    return 0;
  }
  char line[3 * MAX_LEN];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    char *cmd = strtok(line, " ");
    char *key = strtok(NULL, " ");
    char *value = strtok(NULL, "");
    if (!cmd) continue;
    if (strcmp(cmd, "PING") == 0) puts("+PONG");
    else if (strcmp(cmd, "COUNT") == 0) printf(":%d\n", count());
    else if (strcmp(cmd, "SET") == 0 && key && value) set(key, value);
    else if (strcmp(cmd, "GET") == 0 && key) {
      int i = find(key);
      if (i < 0) puts("$nil");
      else printf("$%s\n", values[i]);
    } else if (strcmp(cmd, "DEL") == 0 && key) {
      int i = find(key);
      if (i >= 0) used[i] = 0;
      printf(":%d\n", i >= 0);
    } else puts("-ERR unknown command");
    fflush(stdout);
  }
  return 0;
}

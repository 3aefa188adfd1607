/* A minimal `provided` runtime, in C, for the e2e test: speaks the Lambda Runtime API over a
 * plain socket and answers each event with {"echo":<event>,"n":<invocation count>}. An event
 * holding a "fail" key is reported through /error; an API Gateway proxy event (it has a
 * "requestContext") gets a proxy response whose body is {"n":<invocation count>}. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int conn_fd = -1;

static int connect_api(void) {
  const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
  char host[64];
  int port = 0;
  if (!api || sscanf(api, "%63[^:]:%d", host, &port) != 2) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, host, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return -1;
  int one = 1; /* head and body go out in two writes: without this, Nagle costs ~40 ms each */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* Reads one HTTP response; returns the body (malloc'd) and copies the request id header. */
static char *read_response(char *request_id, size_t id_size) {
  static char buf[1 << 20];
  size_t used = 0;
  char *end = NULL;
  while (!end) {
    ssize_t n = read(conn_fd, buf + used, sizeof buf - 1 - used);
    if (n <= 0) exit(1);
    used += (size_t)n;
    buf[used] = 0;
    end = strstr(buf, "\r\n\r\n");
  }
  size_t head = (size_t)(end - buf) + 4;
  size_t length = 0;
  for (char *line = buf; line < end; line = strstr(line, "\r\n") + 2) {
    if (strncasecmp(line, "content-length:", 15) == 0) length = strtoul(line + 15, NULL, 10);
    if (request_id && strncasecmp(line, "lambda-runtime-aws-request-id:", 30) == 0) {
      const char *v = line + 30;
      while (*v == ' ') v++;
      size_t k = 0;
      while (v[k] && v[k] != '\r' && k + 1 < id_size) { request_id[k] = v[k]; k++; }
      request_id[k] = 0;
    }
  }
  while (used < head + length) {
    ssize_t n = read(conn_fd, buf + used, sizeof buf - 1 - used);
    if (n <= 0) exit(1);
    used += (size_t)n;
  }
  char *body = malloc(length + 1);
  memcpy(body, buf + head, length);
  body[length] = 0;
  return body;
}

static void send_all(const char *data, size_t n) {
  while (n > 0) {
    ssize_t w = write(conn_fd, data, n);
    if (w <= 0) exit(1);
    data += w;
    n -= (size_t)w;
  }
}

int main(void) {
  conn_fd = connect_api();
  if (conn_fd < 0) return 2;
  const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
  for (int n = 1;; n++) {
    char req[4096];
    snprintf(req, sizeof req, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
    send_all(req, strlen(req));
    char id[128] = "";
    char *event = read_response(id, sizeof id);
    char *out = malloc(strlen(event) + 128);
    const char *kind = "response";
    if (strstr(event, "\"fail\"")) {
      kind = "error";
      strcpy(out, "{\"errorMessage\":\"asked to fail\",\"errorType\":\"EchoError\",\"stackTrace\":[]}");
    } else if (strstr(event, "\"requestContext\"")) {
      sprintf(out, "{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"{\\\"n\\\":%d}\"}", n);
    } else {
      sprintf(out, "{\"echo\":%s,\"n\":%d}", event, n);
    }
    printf("c runtime handled %s\n", id);
    fflush(stdout);
    char head[512];
    snprintf(head, sizeof head,
             "POST /2018-06-01/runtime/invocation/%s/%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n", id, kind, api, strlen(out));
    send_all(head, strlen(head));
    send_all(out, strlen(out));
    free(read_response(NULL, 0));
    free(out);
    free(event);
  }
}

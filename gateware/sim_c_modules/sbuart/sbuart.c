/*
 * sbuart: a LiteX simulation module serving one UART pad set on a TCP port.
 *
 * Written for sailbench because LiteX's serial2tcp keeps its clock-edge state
 * in a static variable shared by all instances (a second UART in the same
 * simulation never sees a clock edge) and writes every byte with Nagle on
 * (a client waiting for the reply's tail stalls on delayed ACKs). Here each
 * instance has its own state, the socket has TCP_NODELAY, and bytes from the
 * SoC are sent when it pauses or 4 KiB have gathered.
 *
 * Args: {"port": N}. Listens on 127.0.0.1 only. One client at a time; a new
 * connection replaces the old one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <json-c/json.h>
#include "error.h"
#include "modules.h"

#define IN_SIZE 65536
#define OUT_SIZE 4096

struct session_s {
  char *tx, *tx_valid, *tx_ready;
  char *rx, *rx_valid, *rx_ready;
  char *sys_clk;
  clk_edge_state_t edge;
  struct evconnlistener *listener;
  struct event *ev;
  int fd;
  unsigned char in[IN_SIZE];
  int in_start, in_len;
  unsigned char out[OUT_SIZE];
  int out_len;
};

static struct event_base *base;

static void drop_client(struct session_s *s)
{
  if (s->ev) { event_del(s->ev); event_free(s->ev); s->ev = NULL; }
  if (s->fd >= 0) { close(s->fd); s->fd = -1; }
  s->out_len = 0;
}

static void flush_out(struct session_s *s)
{
  int done = 0;
  while (s->fd >= 0 && done < s->out_len) {
    ssize_t n = send(s->fd, s->out + done, s->out_len - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      drop_client(s);
      break;
    }
    done += n;
  }
  s->out_len = 0;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
  struct session_s *s = arg;
  int free_space = IN_SIZE - s->in_len;
  if (free_space <= 0)
    return;                       /* full: the kernel keeps the rest until the SoC drains */
  int end = (s->in_start + s->in_len) % IN_SIZE;
  int chunk = end + free_space > IN_SIZE ? IN_SIZE - end : free_space;
  ssize_t n = recv(fd, s->in + end, chunk, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    drop_client(s);
    return;
  }
  if (n > 0)
    s->in_len += n;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *a, int alen, void *arg)
{
  struct session_s *s = arg;
  int one = 1;
  drop_client(s);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  s->fd = fd;
  s->in_start = s->in_len = 0;
  s->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_read, s);
  event_add(s->ev, NULL);
}

static int get_port(char *args, int *port)
{
  json_object *root, *obj;
  if (!args || !(root = json_tokener_parse(args)))
    return RC_JSERROR;
  if (!json_object_object_get_ex(root, "port", &obj)) {
    json_object_put(root);
    return RC_JSERROR;
  }
  *port = json_object_get_int(obj);
  json_object_put(root);
  return *port > 0 && *port < 65536 ? RC_OK : RC_JSERROR;
}

static int sbuart_start(void *b)
{
  base = (struct event_base *)b;
  printf("[sbuart] loaded\n");
  return RC_OK;
}

static int sbuart_new(void **sess, char *args)
{
  struct session_s *s;
  struct sockaddr_in sin;
  int port;
  if (!sess || get_port(args, &port) != RC_OK) {
    fprintf(stderr, "[sbuart] needs args {\"port\": N}, got %s\n", args ? args : "(none)");
    return RC_INVARG;
  }
  s = calloc(1, sizeof(*s));
  if (!s)
    return RC_NOENMEM;
  s->fd = -1;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons(port);
  s->listener = evconnlistener_new_bind(base, on_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
                                        (struct sockaddr *)&sin, sizeof(sin));
  if (!s->listener) {
    fprintf(stderr, "[sbuart] cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
    free(s);
    return RC_ERROR;
  }
  printf("[sbuart] listening on 127.0.0.1:%d\n", port);
  *sess = s;
  return RC_OK;
}

static void *pad(struct pad_s *pads, const char *name)
{
  for (int i = 0; pads[i].name; i++)
    if (!strcmp(pads[i].name, name))
      return pads[i].signal;
  return NULL;
}

static int sbuart_add_pads(void *sess, struct pad_list_s *plist)
{
  struct session_s *s = sess;
  if (!s || !plist)
    return RC_INVARG;
  if (!strcmp(plist->name, "serial")) {
    s->tx = pad(plist->pads, "source_data");
    s->tx_valid = pad(plist->pads, "source_valid");
    s->tx_ready = pad(plist->pads, "source_ready");
    s->rx = pad(plist->pads, "sink_data");
    s->rx_valid = pad(plist->pads, "sink_valid");
    s->rx_ready = pad(plist->pads, "sink_ready");
  }
  if (!strcmp(plist->name, "sys_clk"))
    s->sys_clk = pad(plist->pads, "sys_clk");
  return RC_OK;
}

static int sbuart_close(void *sess)
{
  struct session_s *s = sess;
  if (!s)
    return RC_OK;
  drop_client(s);
  if (s->listener)
    evconnlistener_free(s->listener);
  free(s);
  return RC_OK;
}

static int sbuart_tick(void *sess, uint64_t time_ps)
{
  struct session_s *s = sess;
  if (!clk_pos_edge(&s->edge, *s->sys_clk))
    return RC_OK;

  *s->tx_ready = 1;
  if (*s->tx_valid) {
    if (s->fd >= 0)
      s->out[s->out_len++] = *s->tx;
    if (s->out_len == OUT_SIZE)
      flush_out(s);
  } else if (s->out_len) {
    flush_out(s);
  }

  *s->rx_valid = 0;
  if (s->in_len) {
    *s->rx = s->in[s->in_start];
    *s->rx_valid = 1;
    if (*s->rx_ready) {
      s->in_start = (s->in_start + 1) % IN_SIZE;
      s->in_len--;
    }
  }
  return RC_OK;
}

static struct ext_module_s ext_mod = {
  "sbuart", sbuart_start, sbuart_new, sbuart_add_pads, sbuart_close, sbuart_tick
};

int litex_sim_ext_module_init(int (*register_module)(struct ext_module_s *))
{
  return register_module(&ext_mod);
}

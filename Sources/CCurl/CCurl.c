// Loads libcurl at first use and forwards to it through function pointers with fixed arity.
#include "CCurl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

// curl_global_init flags: CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32.
#define CCURL_GLOBAL_DEFAULT 3
// CURLMSG_DONE: the only message curl_multi_info_read delivers.
#define CCURL_MSG_DONE 1

/// struct CURLMsg from curl.h.
typedef struct {
  int msg;
  ccurl_easy *easy_handle;
  union {
    void *whatever;
    int result;
  } data;
} ccurl_message;

static struct {
  int (*global_init)(long flags);
  ccurl_easy *(*easy_init)(void);
  void (*easy_cleanup)(ccurl_easy *);
  int (*easy_setopt)(ccurl_easy *, int, ...);
  int (*easy_getinfo)(ccurl_easy *, int, ...);
  const char *(*easy_strerror)(int);
  ccurl_slist *(*slist_append)(ccurl_slist *, const char *);
  void (*slist_free_all)(ccurl_slist *);
  ccurl_multi *(*multi_init)(void);
  int (*multi_setopt)(ccurl_multi *, int, ...);
  int (*multi_add_handle)(ccurl_multi *, ccurl_easy *);
  int (*multi_remove_handle)(ccurl_multi *, ccurl_easy *);
  int (*multi_socket_action)(ccurl_multi *, int, int, int *);
  int (*multi_assign)(ccurl_multi *, int, void *);
  ccurl_message *(*multi_info_read)(ccurl_multi *, int *);
  int (*multi_cleanup)(ccurl_multi *);
  const char *(*multi_strerror)(int);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = "libcurl was not loaded";
static char load_error_buffer[512];
static int loaded = 0;

static void *resolve(void *library, const char *name) {
  void *symbol = dlsym(library, name);
  if (symbol == NULL && load_error == NULL) {
    snprintf(load_error_buffer, sizeof load_error_buffer,
             "libcurl lacks %s (the multi socket interface needs libcurl 7.16 or newer)", name);
    load_error = load_error_buffer;
  }
  return symbol;
}

static void load_library(void) {
  // The OpenSSL build first (what FoundationNetworking uses), then the GnuTLS one.
  const char *candidates[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
  void *library = NULL;
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && library == NULL; i++) {
    library = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
  }
  if (library == NULL) {
    const char *reason = dlerror();
    snprintf(load_error_buffer, sizeof load_error_buffer, "cannot load libcurl.so.4: %s",
             reason ? reason : "unknown dlopen failure");
    load_error = load_error_buffer;
    return;
  }
  load_error = NULL;
  curl.global_init = resolve(library, "curl_global_init");
  curl.easy_init = resolve(library, "curl_easy_init");
  curl.easy_cleanup = resolve(library, "curl_easy_cleanup");
  curl.easy_setopt = resolve(library, "curl_easy_setopt");
  curl.easy_getinfo = resolve(library, "curl_easy_getinfo");
  curl.easy_strerror = resolve(library, "curl_easy_strerror");
  curl.slist_append = resolve(library, "curl_slist_append");
  curl.slist_free_all = resolve(library, "curl_slist_free_all");
  curl.multi_init = resolve(library, "curl_multi_init");
  curl.multi_setopt = resolve(library, "curl_multi_setopt");
  curl.multi_add_handle = resolve(library, "curl_multi_add_handle");
  curl.multi_remove_handle = resolve(library, "curl_multi_remove_handle");
  curl.multi_socket_action = resolve(library, "curl_multi_socket_action");
  curl.multi_assign = resolve(library, "curl_multi_assign");
  curl.multi_info_read = resolve(library, "curl_multi_info_read");
  curl.multi_cleanup = resolve(library, "curl_multi_cleanup");
  curl.multi_strerror = resolve(library, "curl_multi_strerror");
  if (load_error != NULL) return;
  int code = curl.global_init(CCURL_GLOBAL_DEFAULT);
  if (code != CCURLE_OK) {
    snprintf(load_error_buffer, sizeof load_error_buffer, "curl_global_init failed with CURLcode %d", code);
    load_error = load_error_buffer;
    return;
  }
  loaded = 1;
}

const char *ccurl_load(void) {
  pthread_once(&load_once, load_library);
  return load_error;
}

ccurl_easy *ccurl_easy_init(void) { return loaded ? curl.easy_init() : NULL; }

void ccurl_easy_cleanup(ccurl_easy *easy) {
  if (loaded && easy != NULL) curl.easy_cleanup(easy);
}

int ccurl_easy_setopt_long(ccurl_easy *easy, int option, long value) {
  return loaded ? curl.easy_setopt(easy, option, value) : CCURLE_FAILED_INIT;
}

int ccurl_easy_setopt_ptr(ccurl_easy *easy, int option, const void *value) {
  return loaded ? curl.easy_setopt(easy, option, value) : CCURLE_FAILED_INIT;
}

int ccurl_easy_setopt_off_t(ccurl_easy *easy, int option, int64_t value) {
  // curl_off_t is a 64-bit signed integer on every platform libcurl supports.
  return loaded ? curl.easy_setopt(easy, option, (long long)value) : CCURLE_FAILED_INIT;
}

int ccurl_easy_setopt_callback(ccurl_easy *easy, int option, ccurl_data_callback callback) {
  return loaded ? curl.easy_setopt(easy, option, callback) : CCURLE_FAILED_INIT;
}

int ccurl_easy_getinfo_long(ccurl_easy *easy, int info, long *value) {
  return loaded ? curl.easy_getinfo(easy, info, value) : CCURLE_FAILED_INIT;
}

int ccurl_easy_getinfo_ptr(ccurl_easy *easy, int info, const char **value) {
  return loaded ? curl.easy_getinfo(easy, info, value) : CCURLE_FAILED_INIT;
}

int ccurl_easy_getinfo_double(ccurl_easy *easy, int info, double *value) {
  return loaded ? curl.easy_getinfo(easy, info, value) : CCURLE_FAILED_INIT;
}

const char *ccurl_easy_strerror(int code) {
  return loaded ? curl.easy_strerror(code) : "libcurl is not loaded";
}

ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *string) {
  return loaded ? curl.slist_append(list, string) : NULL;
}

void ccurl_slist_free_all(ccurl_slist *list) {
  if (loaded && list != NULL) curl.slist_free_all(list);
}

// CURLM_INTERNAL_ERROR, returned by the multi wrappers when libcurl is not loaded.
#define CCURLM_INTERNAL_ERROR 4

ccurl_multi *ccurl_multi_init(void) { return loaded ? curl.multi_init() : NULL; }

int ccurl_multi_setopt_long(ccurl_multi *multi, int option, long value) {
  return loaded ? curl.multi_setopt(multi, option, value) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_add_handle(ccurl_multi *multi, ccurl_easy *easy) {
  return loaded ? curl.multi_add_handle(multi, easy) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_remove_handle(ccurl_multi *multi, ccurl_easy *easy) {
  return loaded ? curl.multi_remove_handle(multi, easy) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_setopt_ptr(ccurl_multi *multi, int option, const void *value) {
  return loaded ? curl.multi_setopt(multi, option, value) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_setopt_socket_callback(ccurl_multi *multi, ccurl_socket_callback callback) {
  return loaded ? curl.multi_setopt(multi, CCURLMOPT_SOCKETFUNCTION, callback) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_setopt_timer_callback(ccurl_multi *multi, ccurl_timer_callback callback) {
  return loaded ? curl.multi_setopt(multi, CCURLMOPT_TIMERFUNCTION, callback) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_socket_action(ccurl_multi *multi, int socket, int ev_bitmask, int *running_handles) {
  return loaded ? curl.multi_socket_action(multi, socket, ev_bitmask, running_handles) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_assign(ccurl_multi *multi, int socket, void *socketp) {
  return loaded ? curl.multi_assign(multi, socket, socketp) : CCURLM_INTERNAL_ERROR;
}

int ccurl_multi_info_read_done(ccurl_multi *multi, ccurl_easy **easy, int *result) {
  if (!loaded) return 0;
  int queued = 0;
  ccurl_message *message;
  while ((message = curl.multi_info_read(multi, &queued)) != NULL) {
    if (message->msg == CCURL_MSG_DONE) {
      *easy = message->easy_handle;
      *result = message->data.result;
      return 1;
    }
  }
  return 0;
}

int ccurl_multi_cleanup(ccurl_multi *multi) {
  return loaded ? curl.multi_cleanup(multi) : CCURLM_INTERNAL_ERROR;
}

const char *ccurl_multi_strerror(int code) {
  return loaded ? curl.multi_strerror(code) : "libcurl is not loaded";
}

// MARK: - epoll and eventfd

int ccurl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int ccurl_epoll_watch(int epfd, int fd, int what, int known) {
  if (what == CCURL_POLL_REMOVE) {
    // ENOENT or EBADF: libcurl may already have closed the socket, which drops it from epoll.
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) == 0 ? 0 : errno;
  }
  struct epoll_event event = {0};
  // Level-triggered: whatever libcurl leaves unread is reported again on the next wait.
  if (what & CCURL_POLL_IN) event.events |= EPOLLIN;
  if (what & CCURL_POLL_OUT) event.events |= EPOLLOUT;
  event.data.fd = fd;
  int first = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epfd, first, fd, &event) == 0) return 0;
  // The guess was wrong: a socket libcurl reopened under the same number, or one epoll dropped.
  int second = known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if ((errno == ENOENT || errno == EEXIST) && epoll_ctl(epfd, second, fd, &event) == 0) return 0;
  return errno;
}

int ccurl_epoll_wait(int epfd, ccurl_ready_descriptor *ready, int capacity, int timeout_ms) {
  enum { batch = 256 };
  struct epoll_event events[batch];
  if (capacity > batch) capacity = batch;
  int count = epoll_wait(epfd, events, capacity, timeout_ms);
  if (count < 0) return errno == EINTR ? 0 : -1;
  for (int i = 0; i < count; i++) {
    uint32_t flags = events[i].events;
    int mask = 0;
    if (flags & EPOLLIN) mask |= CCURL_CSELECT_IN;
    if (flags & EPOLLOUT) mask |= CCURL_CSELECT_OUT;
    ready[i].fd = events[i].data.fd;
    ready[i].events = mask;
  }
  return count;
}

int ccurl_eventfd_create(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int ccurl_eventfd_signal(int fd) {
  uint64_t one = 1;
  for (;;) {
    if (write(fd, &one, sizeof one) == (ssize_t)sizeof one) return 0;
    // EAGAIN: the counter is saturated, so the descriptor is readable anyway.
    if (errno == EAGAIN) return 0;
    if (errno != EINTR) return errno;
  }
}

void ccurl_eventfd_reset(int fd) {
  uint64_t count;
  while (read(fd, &count, sizeof count) < 0 && errno == EINTR) {
  }
}

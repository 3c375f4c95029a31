// CCurl: the few libcurl entry points Baton uses, loaded with dlopen("libcurl.so.4").
//
// Why: curl_easy_setopt and friends are variadic, which Swift cannot call, and the curl
// development headers are not installed. The numbers below are copied from curl.h; libcurl
// keeps them stable across versions (they are part of its ABI).
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <stdint.h>

/// A CURL easy handle (one transfer).
typedef struct ccurl_easy ccurl_easy;
/// A CURLM multi handle (many transfers driven by one thread).
typedef struct ccurl_multi ccurl_multi;
/// A struct curl_slist (a linked list of strings, used for request headers).
typedef struct ccurl_slist ccurl_slist;

/// The shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

// MARK: - CURLcode (easy results)
#define CCURLE_OK 0
#define CCURLE_UNSUPPORTED_PROTOCOL 1
#define CCURLE_FAILED_INIT 2
#define CCURLE_URL_MALFORMAT 3
#define CCURLE_COULDNT_RESOLVE_PROXY 5
#define CCURLE_COULDNT_RESOLVE_HOST 6
#define CCURLE_COULDNT_CONNECT 7
#define CCURLE_WEIRD_SERVER_REPLY 8
#define CCURLE_WRITE_ERROR 23
#define CCURLE_OPERATION_TIMEDOUT 28
#define CCURLE_SSL_CONNECT_ERROR 35
#define CCURLE_ABORTED_BY_CALLBACK 42
#define CCURLE_GOT_NOTHING 52
#define CCURLE_SEND_ERROR 55
#define CCURLE_RECV_ERROR 56
#define CCURLE_SSL_CERTPROBLEM 58
#define CCURLE_SSL_CIPHER 59
#define CCURLE_PEER_FAILED_VERIFICATION 60
#define CCURLE_SSL_CACERT_BADFILE 77
#define CCURLE_SSL_CRL_BADFILE 82
#define CCURLE_SSL_ISSUER_ERROR 83
#define CCURLE_SSL_PINNEDPUBKEYNOTMATCH 90
#define CCURLE_SSL_INVALIDCERTSTATUS 91
#define CCURLE_PROXY 97
#define CCURLE_SSL_CLIENTCERT 98

// MARK: - CURLoption (easy options): LONG + n, OBJECTPOINT 10000 + n, FUNCTIONPOINT 20000 + n, OFF_T 30000 + n
#define CCURLOPT_WRITEDATA 10001
#define CCURLOPT_URL 10002
#define CCURLOPT_ERRORBUFFER 10010
#define CCURLOPT_WRITEFUNCTION 20011
#define CCURLOPT_HTTPHEADER 10023
#define CCURLOPT_HEADERDATA 10029
#define CCURLOPT_CUSTOMREQUEST 10036
#define CCURLOPT_NOBODY 44
#define CCURLOPT_CAINFO 10065
#define CCURLOPT_HEADERFUNCTION 20079
#define CCURLOPT_HTTP_VERSION 84
#define CCURLOPT_NOSIGNAL 99
#define CCURLOPT_ACCEPT_ENCODING 10102
#define CCURLOPT_POSTFIELDSIZE_LARGE 30120
#define CCURLOPT_COPYPOSTFIELDS 10165
#define CCURLOPT_PROTOCOLS 181
#define CCURLOPT_TCP_KEEPALIVE 213
#define CCURLOPT_SUPPRESS_CONNECT_HEADERS 265

/// The size CURLOPT_ERRORBUFFER must have.
#define CCURL_ERROR_SIZE 256
#define CCURL_HTTP_VERSION_1_1 2
#define CCURLPROTO_HTTP 1
#define CCURLPROTO_HTTPS 2

// MARK: - CURLINFO: STRING 0x100000 + n, LONG 0x200000 + n, DOUBLE 0x300000 + n
#define CCURLINFO_EFFECTIVE_URL 0x100001
#define CCURLINFO_RESPONSE_CODE 0x200002
#define CCURLINFO_TOTAL_TIME 0x300003

// MARK: - CURLMcode and CURLMoption (multi)
#define CCURLM_OK 0
#define CCURLMOPT_SOCKETFUNCTION 20001
#define CCURLMOPT_SOCKETDATA 10002
#define CCURLMOPT_TIMERFUNCTION 20004
#define CCURLMOPT_TIMERDATA 10005
#define CCURLMOPT_MAXCONNECTS 6
#define CCURLMOPT_MAX_HOST_CONNECTIONS 7
#define CCURLMOPT_MAX_TOTAL_CONNECTIONS 13

// MARK: - Multi socket interface (curl_multi_socket_action)
/// What CURLMOPT_SOCKETFUNCTION asks the application to wait for on a socket.
#define CCURL_POLL_NONE 0
#define CCURL_POLL_IN 1
#define CCURL_POLL_OUT 2
#define CCURL_POLL_INOUT 3
#define CCURL_POLL_REMOVE 4
/// The socket argument of curl_multi_socket_action meaning "curl's timer expired" (CURL_SOCKET_BAD).
#define CCURL_SOCKET_TIMEOUT (-1)
/// The ev_bitmask of curl_multi_socket_action: what happened on the socket (0: let libcurl look).
#define CCURL_CSELECT_IN 1
#define CCURL_CSELECT_OUT 2
#define CCURL_CSELECT_ERR 4

/// curl_socket_callback (CURLMOPT_SOCKETFUNCTION); curl_socket_t is an int on Linux. Returns 0, or -1 on error.
typedef int (*ccurl_socket_callback)(ccurl_easy *easy, int socket, int what, void *userp, void *socketp);
/// curl_multi_timer_callback (CURLMOPT_TIMERFUNCTION): timeout_ms is -1 to delete the timer,
/// 0 to act as soon as possible, otherwise the delay. Returns 0, or -1 on error.
typedef int (*ccurl_timer_callback)(ccurl_multi *multi, long timeout_ms, void *userp);

/// Loads libcurl and runs curl_global_init, once per process (thread-safe).
/// Returns NULL on success, otherwise a message saying what failed; every later call returns the same.
const char *ccurl_load(void);

// MARK: - Easy interface. Each returns a CURLcode (CCURLE_FAILED_INIT when libcurl is not loaded).
ccurl_easy *ccurl_easy_init(void);
void ccurl_easy_cleanup(ccurl_easy *easy);
int ccurl_easy_setopt_long(ccurl_easy *easy, int option, long value);
int ccurl_easy_setopt_ptr(ccurl_easy *easy, int option, const void *value);
int ccurl_easy_setopt_off_t(ccurl_easy *easy, int option, int64_t value);
int ccurl_easy_setopt_callback(ccurl_easy *easy, int option, ccurl_data_callback callback);
int ccurl_easy_getinfo_long(ccurl_easy *easy, int info, long *value);
int ccurl_easy_getinfo_ptr(ccurl_easy *easy, int info, const char **value);
int ccurl_easy_getinfo_double(ccurl_easy *easy, int info, double *value);
const char *ccurl_easy_strerror(int code);

// MARK: - String lists
/// Returns the new list head, or NULL on failure (the old list is then unchanged).
ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *string);
void ccurl_slist_free_all(ccurl_slist *list);

// MARK: - Multi interface. Each returns a CURLMcode.
ccurl_multi *ccurl_multi_init(void);
int ccurl_multi_setopt_long(ccurl_multi *multi, int option, long value);
int ccurl_multi_add_handle(ccurl_multi *multi, ccurl_easy *easy);
int ccurl_multi_remove_handle(ccurl_multi *multi, ccurl_easy *easy);
int ccurl_multi_setopt_ptr(ccurl_multi *multi, int option, const void *value);
int ccurl_multi_setopt_socket_callback(ccurl_multi *multi, ccurl_socket_callback callback);
int ccurl_multi_setopt_timer_callback(ccurl_multi *multi, ccurl_timer_callback callback);
/// Tells libcurl that `socket` saw the events in ev_bitmask (CCURL_CSELECT_*), or with
/// CCURL_SOCKET_TIMEOUT that its timer expired. Transfers run only inside this call.
int ccurl_multi_socket_action(ccurl_multi *multi, int socket, int ev_bitmask, int *running_handles);
/// Attaches `socketp` to a socket libcurl has announced; it comes back as the callback's socketp.
int ccurl_multi_assign(ccurl_multi *multi, int socket, void *socketp);
/// Reads one finished transfer: returns 1 and fills easy and result, or 0 when none is queued.
int ccurl_multi_info_read_done(ccurl_multi *multi, ccurl_easy **easy, int *result);
int ccurl_multi_cleanup(ccurl_multi *multi);
const char *ccurl_multi_strerror(int code);

// MARK: - epoll and eventfd (Linux; Swift's Glibc module exports neither header)
/// epoll_create1(EPOLL_CLOEXEC): returns the descriptor, or -1 with errno set.
int ccurl_epoll_create(void);
/// Makes epoll watch `fd` for what CURLMOPT_SOCKETFUNCTION asked (CCURL_POLL_IN, _OUT, _INOUT;
/// NONE watches errors only), or forget it (CCURL_POLL_REMOVE). `known` says whether `fd` was
/// added before; a wrong guess costs one more syscall. Returns 0, or an errno value.
int ccurl_epoll_watch(int epfd, int fd, int what, int known);
/// One descriptor epoll found ready; `events` is a CCURL_CSELECT_* mask (0 on error or hang-up
/// alone, so libcurl checks the socket itself).
typedef struct {
  int fd;
  int events;
} ccurl_ready_descriptor;
/// epoll_wait: fills up to `capacity` entries and returns how many; 0 on timeout or EINTR,
/// -1 with errno set on any other failure. timeout_ms -1 waits without limit.
int ccurl_epoll_wait(int epfd, ccurl_ready_descriptor *ready, int capacity, int timeout_ms);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC): returns the descriptor, or -1 with errno set.
int ccurl_eventfd_create(void);
/// Makes an eventfd readable (from any thread). Returns 0, or an errno value.
int ccurl_eventfd_signal(int fd);
/// Makes an eventfd unreadable again.
void ccurl_eventfd_reset(int fd);

#endif

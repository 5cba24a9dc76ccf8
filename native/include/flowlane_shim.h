/*
 * flowlane_shim.h: the C surface the Java data plane calls through FFM.
 *
 * DPDK's fast-path functions (rte_eth_rx_burst, rte_pktmbuf_alloc, ...) are static inline in
 * its headers, so no shared library exports them; this shim gives each one a real symbol.
 * The setup helpers fold DPDK's multi-struct configuration dances (rte_eth_conf, queue setup)
 * into single calls with plain arguments, which keeps the Java bindings small.
 *
 * Every function returning int returns 0 or a positive value on success and a negative
 * errno value on failure, so Java can map it to a message with fl_strerror().
 */
#ifndef FLOWLANE_SHIM_H
#define FLOWLANE_SHIM_H

#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

/* ---- EAL and threads ---- */
int fl_eal_init(int argc, char **argv);
int fl_eal_cleanup(void);
int fl_errno(void);
const char *fl_strerror(int err);
int fl_thread_register(void);
void fl_thread_unregister(void);
uint32_t fl_lcore_id(void);
int fl_vdev_init(const char *name, const char *args);
int fl_vdev_uninit(const char *name);
uint64_t fl_rdtsc(void);
uint64_t fl_tsc_hz(void);

/* ---- mempools ---- */
struct rte_mempool *fl_pktmbuf_pool_create(const char *name, uint32_t n, uint32_t cache_size,
                                           uint16_t priv_size, uint16_t data_room, int socket);
void fl_mempool_free(struct rte_mempool *mp);
uint32_t fl_mempool_avail_count(const struct rte_mempool *mp);
uint32_t fl_mempool_in_use_count(const struct rte_mempool *mp);

/* ---- mbufs (the inline functions) ---- */
struct rte_mbuf *fl_pktmbuf_alloc(struct rte_mempool *mp);
int fl_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, uint32_t count);
void fl_pktmbuf_free(struct rte_mbuf *m);
void fl_pktmbuf_free_bulk(struct rte_mbuf **mbufs, uint32_t count);
uint16_t fl_mbuf_refcnt_update(struct rte_mbuf *m, int16_t delta);
char *fl_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len);
char *fl_pktmbuf_append(struct rte_mbuf *m, uint16_t len);
char *fl_pktmbuf_adj(struct rte_mbuf *m, uint16_t len);
int fl_pktmbuf_trim(struct rte_mbuf *m, uint16_t len);

/* Offsets of the rte_mbuf fields the Java flyweight reads, in this order:
 * buf_addr, data_off, refcnt, nb_segs, port, ol_flags, packet_type, pkt_len, data_len,
 * vlan_tci, hash.rss, buf_len, pool, next, priv_size, sizeof(struct rte_mbuf), RTE_PKTMBUF_HEADROOM.
 * Returns how many values it wrote. Java checks them against its layout at start-up. */
int fl_mbuf_layout(uint32_t *out, int capacity);

/* ---- ethdev ---- */
uint16_t fl_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t count);
uint16_t fl_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **mbufs, uint16_t count);
uint16_t fl_port_count(void);
int fl_port_by_name(const char *name, uint16_t *port);
int fl_port_name(uint16_t port, char *out, uint32_t capacity);

/* Port facts Java needs to plan queues: filled in order
 * max_rx_queues, max_tx_queues, flow_type_rss_offloads (low 32 bits), flow_type_rss_offloads (high),
 * min_mtu, max_mtu, socket_id (+1, 0 = unknown). Returns count written. */
int fl_port_info(uint16_t port, uint32_t *out, int capacity, char *driver, uint32_t driver_capacity);

/* Configures rx/tx queues (one mempool for all rx queues), RSS over IP/TCP/UDP when asked and
 * supported, and the MTU. Returns 1 if RSS is active, 0 if not, negative errno on failure. */
int fl_port_configure(uint16_t port, uint16_t rx_queues, uint16_t tx_queues,
                      uint16_t rx_descriptors, uint16_t tx_descriptors,
                      struct rte_mempool *mp, int want_rss, uint16_t mtu);
int fl_port_start(uint16_t port);
int fl_port_stop(uint16_t port);
int fl_port_close(uint16_t port);
int fl_port_promiscuous(uint16_t port, int on);
int fl_port_mac(uint16_t port, uint8_t *out6);
int fl_port_link(uint16_t port, uint32_t *speed_mbps, int *up);
/* Administratively up or down (rte_eth_dev_set_link_up/down): -ENOTSUP where the driver has no such control. */
int fl_port_set_link(uint16_t port, int up);

/* ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf */
int fl_port_stats(uint16_t port, uint64_t *out8);
int fl_port_stats_reset(uint16_t port);

/* Two ethdev ports joined back to back through rte_rings (the net_ring PMD): what one
 * transmits on queue q the other receives on queue q. An in-process link for tests. */
int fl_ring_port_pair(const char *name, uint32_t queues, uint32_t ring_size, int socket,
                      uint16_t *port_a, uint16_t *port_b);

/* ---- AES-GCM (RFC 4106, for ESP) over intel-ipsec-mb ---- */
#define FL_GCM_TAG_LENGTH 16
/* A context keyed with a 16-, 24- or 32-byte key, for sealing (encrypt=1) or opening; NULL on
 * a bad key length. Read-only once keyed; kept one per SA and worker for cache locality. */
void *fl_gcm_new(const uint8_t *key, int key_len, int encrypt);
void fl_gcm_free(void *ctx);
/* Encrypts data[0..len) in place under the 12-byte nonce, authenticating aad too; writes the
 * 16-byte tag. Returns 1, or 0 on a bad argument. */
int fl_gcm_seal(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, uint8_t *tag);
/* Decrypts in place and checks the tag: 1 = authentic, 0 = forged or corrupted (then the
 * decrypted bytes must not be used). */
int fl_gcm_open(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, const uint8_t *tag);

#endif

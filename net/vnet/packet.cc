// SPDX-License-Identifier: GPL-2.0-or-later
// A packet's lent tail: fetched once when read, copied straight from the
// lender when the frame is kept, handed on as pieces when delivered.
#include "vnet/packet.h"

#include <algorithm>

namespace vnet {

namespace {

// Calls take(p, n) for each run of iov[]'s bytes [from, from + len), in
// order, across however the sender split them; false if take stopped it.
template <class Take>
bool iov_walk(const struct iovec* iov, unsigned iovcnt, std::size_t from, std::size_t len,
              Take&& take) {
    for (unsigned i = 0; i < iovcnt && len > 0; ++i) {
        const std::size_t l = iov[i].iov_len;
        if (from >= l) {
            from -= l;
            continue;
        }
        const std::size_t n = std::min(l - from, len);
        if (!take(static_cast<std::uint8_t*>(iov[i].iov_base) + from, n)) {
            return false;
        }
        len -= n;
        from = 0;
    }
    return true;
}

}  // namespace

std::size_t iov_gather(const struct iovec* iov, unsigned iovcnt, std::size_t from,
                       std::span<std::uint8_t> out) {
    std::size_t got = 0;
    iov_walk(iov, iovcnt, from, out.size(), [&](const std::uint8_t* p, std::size_t n) {
        std::memcpy(out.data() + got, p, n);
        got += n;
        return true;
    });
    return got;
}

void Packet::fetch_tail() const {
    // The buffer is the pool's, never a borrowed caller's: writable.
    iov_gather(lent_iov_, lent_cnt_, lent_from_, {head_ + lent_at_, off_ + len_ - lent_at_});
    lent_iov_ = nullptr;
}

void Packet::copy_to(std::uint8_t* out) const {
    const std::size_t have = present();
    std::memcpy(out, head_ + off_, have);
    if (lent_iov_) {
        iov_gather(lent_iov_, lent_cnt_, lent_from_, {out + have, len_ - have});
    }
}

unsigned Packet::pieces(std::size_t from, std::span<struct iovec> out) const {
    const std::size_t have = present();
    assert(from <= have);
    unsigned n = 0;
    if (from < have) {
        if (out.empty()) {
            return 0;
        }
        out[n++] = {head_ + off_ + from, have - from};
    }
    if (!lent_iov_) {
        return n;
    }
    const bool fits = iov_walk(lent_iov_, lent_cnt_, lent_from_, len_ - have,
                               [&](std::uint8_t* p, std::size_t l) {
                                   if (n == out.size()) {
                                       return false;
                                   }
                                   out[n++] = {p, l};
                                   return true;
                               });
    return fits ? n : 0;
}

}  // namespace vnet

// SPDX-License-Identifier: GPL-2.0-or-later
// A packet's lent tail: fetched once when read, copied straight from the
// lender when the frame is kept, handed on as pieces when delivered.
#include "vnet/packet.h"

#include <algorithm>

namespace vnet {

std::size_t iov_gather(const struct iovec* iov, unsigned iovcnt, std::size_t from,
                       std::span<std::uint8_t> out) {
    std::size_t got = 0;
    for (unsigned i = 0; i < iovcnt && got < out.size(); ++i) {
        const std::size_t n = iov[i].iov_len;
        if (from >= n) {
            from -= n;
            continue;
        }
        const std::size_t take = std::min(n - from, out.size() - got);
        std::memcpy(out.data() + got, static_cast<const std::uint8_t*>(iov[i].iov_base) + from,
                    take);
        got += take;
        from = 0;
    }
    return got;
}

void Packet::fetch_tail() const {
    // The buffer is the pool's, never a borrowed caller's: writable.
    iov_gather(lent_iov_, lent_cnt_, lent_from_, {head_ + lent_at_, off_ + len_ - lent_at_});
    lent_iov_ = nullptr;
}

void Packet::copy_to(std::uint8_t* out) const {
    if (!lent_iov_) {
        std::memcpy(out, head_ + off_, len_);
        return;
    }
    const std::size_t have = lent_at_ - off_;
    std::memcpy(out, head_ + off_, have);
    iov_gather(lent_iov_, lent_cnt_, lent_from_, {out + have, len_ - have});
}

unsigned Packet::pieces(std::size_t from, std::span<struct iovec> out) const {
    const std::size_t have = lent_iov_ ? lent_at_ - off_ : len_;
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
    std::size_t skip = lent_from_;
    std::size_t left = len_ - have;
    for (unsigned i = 0; i < lent_cnt_ && left > 0; ++i) {
        const std::size_t l = lent_iov_[i].iov_len;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        if (n == out.size()) {
            return 0;
        }
        const std::size_t take = std::min(l - skip, left);
        out[n++] = {static_cast<std::uint8_t*>(lent_iov_[i].iov_base) + skip, take};
        left -= take;
        skip = 0;
    }
    return n;
}

}  // namespace vnet

// SPDX-License-Identifier: GPL-2.0-or-later
// Time for the stack's timers (neighbour ageing, FDB ageing): behind an
// interface so QEMU's clock drives it in the device and a manual clock in
// unit tests.
#pragma once

#include <cstdint>

namespace vnet {

class Clock {
  public:
    virtual std::uint64_t now_ms() const = 0;

  protected:
    ~Clock() = default;
};

class ManualClock final : public Clock {
  public:
    std::uint64_t now_ms() const override { return now_; }
    void advance_ms(std::uint64_t ms) { now_ += ms; }

  private:
    std::uint64_t now_ = 0;
};

}  // namespace vnet

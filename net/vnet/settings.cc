// SPDX-License-Identifier: GPL-2.0-or-later
// The devices' settings as text, parsed once here so that the glue only
// passes QEMU's property strings through: the lower's addresses and
// gateways (ip=, gw=, as `ip addr add` and `ip route add default`), the
// macvlan and ipvlan modes and flags in `ip link`'s words, and the lists
// a child takes (macaddr=, addrs=). Each says what is wrong with a value
// in words the glue puts after the property's name.
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "vnet/vnet.h"

namespace {

// Calls fn for each non-empty comma-separated item; stops at a false.
template <typename Fn>
bool for_each_item(const char* s, Fn fn) {
    std::string_view rest = s ? s : "";
    while (true) {
        const auto comma = rest.find(',');
        const std::string item(rest.substr(0, comma));
        if (!item.empty() && !fn(item)) {
            return false;
        }
        if (comma == std::string_view::npos) {
            return true;
        }
        rest.remove_prefix(comma + 1);
    }
}

bool fail(char* why, size_t why_len, const char* fmt, const std::string& item) {
    std::snprintf(why, why_len, fmt, item.c_str());
    return false;
}

bool parse_mac(const std::string& s, uint8_t mac[6]) {
    int end = -1;
    return std::sscanf(s.c_str(), "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0], &mac[1],
                       &mac[2], &mac[3], &mac[4], &mac[5], &end) == 6 &&
           end == 17 && s.size() == 17;
}

struct Name {
    const char* name;
    int value;
};

bool lookup(const char* s, const Name* names, size_t n, int* out) {
    for (size_t i = 0; i < n; ++i) {
        if (s && std::strcmp(s, names[i].name) == 0) {
            *out = names[i].value;
            return true;
        }
    }
    return false;
}

// "N" or "N-M" in decimal digits only, N <= M <= max.
bool parse_range(std::string_view s, unsigned long max, unsigned long* lo, unsigned long* hi) {
    auto number = [](std::string_view t, unsigned long* v) {
        const auto r = std::from_chars(t.data(), t.data() + t.size(), *v);
        return !t.empty() && r.ec == std::errc{} && r.ptr == t.data() + t.size();
    };
    const auto dash = s.find('-');
    if (!number(s.substr(0, dash), lo) ||
        !number(dash == std::string_view::npos ? s : s.substr(dash + 1), hi)) {
        return false;
    }
    return *lo <= *hi && *hi <= max;
}

}  // namespace

extern "C" {

bool vnet_parse_vlan_tunnel(const char* s, VnetVlanTunnel* out, size_t* n, char* why,
                            size_t why_len) {
    constexpr size_t kMax = 4094;
    const std::string item = s ? s : "";
    const auto colon = item.find(':');
    unsigned long vid_lo, vid_hi, vni_lo, vni_hi;
    if (colon == std::string::npos ||
        !parse_range(std::string_view(item).substr(0, colon), 4095, &vid_lo, &vid_hi) ||
        !parse_range(std::string_view(item).substr(colon + 1), 0xffffff, &vni_lo, &vni_hi)) {
        return fail(why, why_len,
                    "'%s' is not VID[-VID]:VNI[-VNI] (VLAN IDs up to 4095, VNIs below 2^24)", item);
    }
    if (vid_hi - vid_lo != vni_hi - vni_lo) {
        return fail(why, why_len, "'%s': the VLAN and VNI ranges differ in length", item);
    }
    if (*n + (vid_hi - vid_lo + 1) > kMax) {
        return fail(why, why_len, "'%s': more than 4094 VLANs in all", item);
    }
    for (unsigned long v = vid_lo; v <= vid_hi; ++v) {
        out[(*n)++] = {static_cast<uint16_t>(v), static_cast<uint32_t>(vni_lo + (v - vid_lo))};
    }
    return true;
}

bool vnet_parse_inet(const char* ip, const char* gw, VnetInetConfig* out, char* why, size_t why_len,
                     const char** field) {
    *out = VnetInetConfig{};
    *field = "ip";
    const bool ips_ok = for_each_item(ip, [&](const std::string& item) {
        const auto slash = item.find('/');
        VnetIpAddr a;
        char* end = nullptr;
        const std::string len_text = slash == std::string::npos ? "" : item.substr(slash + 1);
        const unsigned long len = std::strtoul(len_text.c_str(), &end, 10);
        if (len_text.empty() || *end || !std::isdigit(static_cast<unsigned char>(len_text[0])) ||
            !vnet_ip_parse(item.substr(0, slash).c_str(), &a) || len > (a.v6 ? 128u : 32u) ||
            (a.v6 ? out->has_ip6 : out->has_ip4)) {
            return fail(why, why_len,
                        "'%s' is not one IPv4 or one IPv6 address with its prefix length "
                        "(10.0.2.15/24, fd00::15/64)",
                        item);
        }
        if (a.v6) {
            std::memcpy(out->ip6, a.b, 16);
            out->has_ip6 = true;
            out->prefix6 = static_cast<unsigned>(len);
        } else {
            std::memcpy(out->ip4, a.b, 4);
            out->has_ip4 = true;
            out->prefix4 = static_cast<unsigned>(len);
        }
        return true;
    });
    if (!ips_ok) {
        return false;
    }
    *field = "gw";
    const bool gws_ok = for_each_item(gw, [&](const std::string& item) {
        VnetIpAddr a;
        if (!vnet_ip_parse(item.c_str(), &a) || (a.v6 ? out->has_gw6 : out->has_gw4)) {
            return fail(why, why_len, "'%s' is not one IPv4 or one IPv6 gateway address", item);
        }
        if (a.v6) {
            std::memcpy(out->gw6, a.b, 16);
            out->has_gw6 = true;
        } else {
            std::memcpy(out->gw4, a.b, 4);
            out->has_gw4 = true;
        }
        return true;
    });
    if (!gws_ok) {
        return false;
    }
    if ((out->has_gw4 && !out->has_ip4) || (out->has_gw6 && !out->has_ip6)) {
        std::snprintf(why, why_len, "a gateway needs an address of its family in 'ip'");
        return false;
    }
    return true;
}

bool vnet_parse_macvlan_mode(const char* s, VnetMacvlanMode* out, char* why, size_t why_len) {
    static const Name kModes[] = {{"private", VNET_MACVLAN_PRIVATE},
                                  {"vepa", VNET_MACVLAN_VEPA},
                                  {"bridge", VNET_MACVLAN_BRIDGE},
                                  {"passthru", VNET_MACVLAN_PASSTHRU},
                                  {"source", VNET_MACVLAN_SOURCE}};
    int v;
    if (!lookup(s, kModes, std::size(kModes), &v)) {
        return fail(why, why_len,
                    "must be one of private, vepa, bridge, passthru, source (not '%s')",
                    s ? s : "");
    }
    *out = static_cast<VnetMacvlanMode>(v);
    return true;
}

bool vnet_parse_ipvlan_mode(const char* s, VnetIpvlanMode* out, char* why, size_t why_len) {
    static const Name kModes[] = {
        {"l2", VNET_IPVLAN_L2}, {"l3", VNET_IPVLAN_L3}, {"l3s", VNET_IPVLAN_L3S}};
    int v;
    if (!lookup(s, kModes, std::size(kModes), &v)) {
        return fail(why, why_len, "must be l2, l3 or l3s (not '%s')", s ? s : "");
    }
    *out = static_cast<VnetIpvlanMode>(v);
    return true;
}

bool vnet_parse_ipvlan_flags(const char* s, uint16_t* out, char* why, size_t why_len) {
    static const Name kFlags[] = {
        {"bridge", 0}, {"private", VNET_IPVLAN_F_PRIVATE}, {"vepa", VNET_IPVLAN_F_VEPA}};
    int v;
    if (!lookup(s, kFlags, std::size(kFlags), &v)) {
        return fail(why, why_len, "must be bridge, private or vepa (not '%s')", s ? s : "");
    }
    *out = static_cast<uint16_t>(v);
    return true;
}

size_t vnet_parse_mac_list(const char* s, uint8_t** macs, char* why, size_t why_len) {
    std::vector<uint8_t> out;
    const bool ok = for_each_item(s, [&](const std::string& item) {
        uint8_t mac[6];
        if (!parse_mac(item, mac)) {
            return fail(why, why_len, "'%s' is not a MAC address", item);
        }
        out.insert(out.end(), mac, mac + 6);
        return true;
    });
    *macs = nullptr;
    if (!ok) {
        return SIZE_MAX;
    }
    if (!out.empty()) {
        *macs = static_cast<uint8_t*>(std::malloc(out.size()));
        std::memcpy(*macs, out.data(), out.size());
    }
    return out.size() / 6;
}

size_t vnet_parse_ip_list(const char* s, VnetIpAddr** addrs, char* why, size_t why_len) {
    std::vector<VnetIpAddr> out;
    std::vector<std::string> seen;
    const bool ok = for_each_item(s, [&](const std::string& item) {
        VnetIpAddr a;
        if (!vnet_ip_parse(item.c_str(), &a)) {
            return fail(why, why_len, "'%s' is not an IPv4 or IPv6 address", item);
        }
        for (const auto& t : seen) {
            if (t == item) {
                return fail(why, why_len, "'%s' is given twice", item);
            }
        }
        seen.push_back(item);
        out.push_back(a);
        return true;
    });
    *addrs = nullptr;
    if (!ok) {
        return SIZE_MAX;
    }
    if (!out.empty()) {
        *addrs = static_cast<VnetIpAddr*>(std::malloc(out.size() * sizeof(VnetIpAddr)));
        std::memcpy(*addrs, out.data(), out.size() * sizeof(VnetIpAddr));
    }
    return out.size();
}

}  // extern "C"

// SPDX-License-Identifier: GPL-2.0-or-later
// The devices' settings as text: what each takes, and what it refuses
// with which words.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "vnet/vnet.h"

namespace {

TEST(Settings, InetTakesOneAddressOfEachFamilyWithItsGateway) {
    VnetInetConfig c;
    char why[160] = "";
    const char* field = nullptr;
    ASSERT_TRUE(vnet_parse_inet("10.0.2.15/24,,fd00::15/64", "10.0.2.2,fd00::2", &c, why,
                                sizeof(why), &field))
        << why;
    EXPECT_TRUE(c.has_ip4 && c.has_ip6 && c.has_gw4 && c.has_gw6);
    EXPECT_EQ(c.prefix4, 24u);
    EXPECT_EQ(c.prefix6, 64u);
    EXPECT_EQ(c.ip4[3], 15);
    EXPECT_EQ(c.gw6[15], 2);
    ASSERT_TRUE(vnet_parse_inet(nullptr, nullptr, &c, why, sizeof(why), &field));
    EXPECT_FALSE(c.has_ip4 || c.has_ip6);
}

TEST(Settings, InetRefusesNamingTheSetting) {
    VnetInetConfig c;
    char why[160] = "";
    const char* field = nullptr;
    for (const char* bad :
         {"10.0.2.15", "10.0.2.15/33", "10.0.2.15/x", "10.0.2.15/", "10.0.2.15/24,10.0.2.16/24",
          "fd00::1/129", "nothing/8", "1.2.3.4/-1"}) {
        EXPECT_FALSE(vnet_parse_inet(bad, nullptr, &c, why, sizeof(why), &field)) << bad;
        EXPECT_STREQ(field, "ip") << bad;
        // The item at fault is named: the last one here.
        const std::string item = std::string(bad).substr(std::string(bad).rfind(',') + 1);
        EXPECT_NE(std::string(why).find("'" + item + "'"), std::string::npos) << why;
    }
    EXPECT_FALSE(
        vnet_parse_inet("10.0.2.15/24", "10.0.2.2,10.0.2.3", &c, why, sizeof(why), &field));
    EXPECT_STREQ(field, "gw");
    EXPECT_FALSE(vnet_parse_inet("10.0.2.15/24", "fd00::2", &c, why, sizeof(why), &field));
    EXPECT_STREQ(field, "gw");
    EXPECT_NE(std::string(why).find("its family"), std::string::npos) << why;
}

TEST(Settings, ModesAndFlagsInIpLinksWords) {
    VnetMacvlanMode m;
    VnetIpvlanMode i;
    uint16_t f;
    char why[160] = "";
    EXPECT_TRUE(vnet_parse_macvlan_mode("passthru", &m, why, sizeof(why)));
    EXPECT_EQ(m, VNET_MACVLAN_PASSTHRU);
    EXPECT_FALSE(vnet_parse_macvlan_mode("l2", &m, why, sizeof(why)));
    EXPECT_NE(std::string(why).find("(not 'l2')"), std::string::npos) << why;
    EXPECT_TRUE(vnet_parse_ipvlan_mode("l3s", &i, why, sizeof(why)));
    EXPECT_EQ(i, VNET_IPVLAN_L3S);
    EXPECT_FALSE(vnet_parse_ipvlan_mode("bridge", &i, why, sizeof(why)));
    EXPECT_TRUE(vnet_parse_ipvlan_flags("vepa", &f, why, sizeof(why)));
    EXPECT_EQ(f, VNET_IPVLAN_F_VEPA);
    EXPECT_TRUE(vnet_parse_ipvlan_flags("bridge", &f, why, sizeof(why)));
    EXPECT_EQ(f, 0);
    EXPECT_FALSE(vnet_parse_ipvlan_flags("l3", &f, why, sizeof(why)));
    EXPECT_FALSE(vnet_parse_macvlan_mode(nullptr, &m, why, sizeof(why)));
}

TEST(Settings, MacListSkipsEmptyItemsAndRefusesAnyBadOne) {
    uint8_t* macs = nullptr;
    char why[160] = "";
    ASSERT_EQ(vnet_parse_mac_list("52:54:00:00:00:01,,52:54:00:00:00:0A", &macs, why, sizeof(why)),
              2u);
    EXPECT_EQ(macs[5], 0x01);
    EXPECT_EQ(macs[11], 0x0a);
    std::free(macs);
    for (const char* bad : {"52:54:00:00:00", "52:54:00:00:00:01:02", "52:54:00:00:00:0g",
                            "52:54:00:00:00:01x", "52:54:00:00:00:001"}) {
        EXPECT_EQ(vnet_parse_mac_list(bad, &macs, why, sizeof(why)), SIZE_MAX) << bad;
        EXPECT_EQ(macs, nullptr);
        EXPECT_NE(std::string(why).find("is not a MAC address"), std::string::npos) << why;
    }
    EXPECT_EQ(vnet_parse_mac_list("", &macs, why, sizeof(why)), 0u);
}

TEST(Settings, IpListRefusesBadAndRepeatedAddresses) {
    VnetIpAddr* a = nullptr;
    char why[160] = "";
    ASSERT_EQ(vnet_parse_ip_list("10.0.2.21,fd00::21", &a, why, sizeof(why)), 2u);
    EXPECT_FALSE(a[0].v6);
    EXPECT_TRUE(a[1].v6);
    std::free(a);
    EXPECT_EQ(vnet_parse_ip_list("10.0.2.21,10.0.2.300", &a, why, sizeof(why)), SIZE_MAX);
    EXPECT_NE(std::string(why).find("'10.0.2.300' is not an IPv4"), std::string::npos) << why;
    EXPECT_EQ(vnet_parse_ip_list("10.0.2.21,10.0.2.21", &a, why, sizeof(why)), SIZE_MAX);
    EXPECT_NE(std::string(why).find("given twice"), std::string::npos) << why;
}

}  // namespace

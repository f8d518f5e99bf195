#include "api/params.hpp"

#include <gtest/gtest.h>

namespace docket::api {
namespace {

TEST(Paging, DefaultsToFirstPage) {
  const auto p = read_paging({});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->page, 1);
  EXPECT_EQ(p->per_page, default_per_page);
  EXPECT_EQ(p->offset(), 0);
}

TEST(Paging, ReadsPageAndPerPage) {
  const auto p = read_paging({{"page", "3"}, {"per_page", "10"}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->page, 3);
  EXPECT_EQ(p->per_page, 10);
  EXPECT_EQ(p->offset(), 20);
}

TEST(Paging, PerPageAbove100IsTreatedAs100) {
  for (const char* v : {"101", "5000", "99999999999999999999999"}) {
    const auto p = read_paging({{"per_page", v}});
    ASSERT_TRUE(p.ok()) << v;
    EXPECT_EQ(p->per_page, 100) << v;
  }
}

TEST(Paging, RejectsPageBelowOne) {
  for (const char* v : {"0", "-1"}) {
    const auto p = read_paging({{"page", v}});
    ASSERT_FALSE(p.ok()) << v;
    EXPECT_EQ(p.error().code, "out_of_range");
    EXPECT_EQ(p.error().field, "page");
  }
  const auto pp = read_paging({{"per_page", "0"}});
  ASSERT_FALSE(pp.ok());
  EXPECT_EQ(pp.error().code, "out_of_range");
  EXPECT_EQ(pp.error().field, "per_page");
}

TEST(Paging, RejectsNonIntegers) {
  for (const char* v : {"", "1.5", "abc", "+2", "2x", " 2"}) {
    const auto p = read_paging({{"page", v}});
    ASSERT_FALSE(p.ok()) << v;
    EXPECT_EQ(p.error().code, "invalid_field") << v;
    EXPECT_EQ(p.error().status, 422);
  }
  EXPECT_EQ(read_paging({{"per_page", "ten"}}).error().code, "invalid_field");
}

TEST(QueryValue, RejectsRepeatedParameters) {
  const auto v = query_value({{"date", "2027-03-01"}, {"date", "2027-03-02"}}, "date");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().field, "date");
}

TEST(QueryInteger, ChecksRange) {
  const auto ok = query_integer({{"limit", "1000"}}, "limit", 1, 1000);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(**ok, 1000);
  EXPECT_EQ(query_integer({{"limit", "1001"}}, "limit", 1, 1000).error().code, "out_of_range");
  const auto absent = query_integer({}, "limit", 1, 1000);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(QueryDate, ParsesRealDatesOnly) {
  const auto d = query_date({{"from", "2027-03-01"}}, "from");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(**d, date::local_days{date::year{2027} / 3 / 1});
  for (const char* bad : {"2027-02-30", "2027-3-1", "01/03/2027", ""}) {
    const auto r = query_date({{"from", bad}}, "from");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_field") << bad;
    EXPECT_EQ(r.error().field, "from");
  }
  EXPECT_FALSE(query_date({}, "from")->has_value());
}

TEST(QueryInstant, ParsesRfc3339WithOffsets) {
  const auto utc = query_instant({{"as_of", "2027-03-01T09:00:00Z"}}, "as_of");
  const auto offset = query_instant({{"as_of", "2027-03-01T10:00:00+01:00"}}, "as_of");
  ASSERT_TRUE(utc.ok());
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(**utc, **offset);
  const auto bad = query_instant({{"as_of", "2027-03-01 09:00"}}, "as_of");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_field");
}

}  // namespace
}  // namespace docket::api

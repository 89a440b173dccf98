#include "driver/core/descriptor.h"

#include <sql.h>
#include <sqlext.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "driver/core/connection.h"
#include "driver/core/environment.h"
#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

SQLPOINTER Int(intptr_t v) { return reinterpret_cast<SQLPOINTER>(v); }

class DescriptorTest : public ::testing::Test {
 protected:
  SQLSMALLINT Small(Descriptor& d, SQLSMALLINT record, SQLSMALLINT field) {
    SQLSMALLINT value = -1;
    SQLINTEGER length = 0;
    absl::Status status = d.GetField(record, field, &value, 0, &length);
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_EQ(length, static_cast<SQLINTEGER>(sizeof(value)));
    return value;
  }

  Environment env_;
  Connection connection_{&env_};
  Descriptor ard_{&connection_, DescKind::kArd, false};
  Descriptor apd_{&connection_, DescKind::kApd, false};
  Descriptor ipd_{&connection_, DescKind::kIpd, false};
  Descriptor ird_{&connection_, DescKind::kIrd, false};
  Descriptor user_{&connection_, DescKind::kArd, true};
};

TEST(DescriptorTypes, VerboseConciseAndSubcodeAgree) {
  struct Case {
    SQLSMALLINT concise, verbose, subcode;
  };
  const Case cases[] = {
      {SQL_INTEGER, SQL_INTEGER, 0},
      {SQL_C_CHAR, SQL_C_CHAR, 0},
      {SQL_TYPE_DATE, SQL_DATETIME, SQL_CODE_DATE},
      {SQL_TYPE_TIME, SQL_DATETIME, SQL_CODE_TIME},
      {SQL_TYPE_TIMESTAMP, SQL_DATETIME, SQL_CODE_TIMESTAMP},
      {SQL_INTERVAL_YEAR, SQL_INTERVAL, SQL_CODE_YEAR},
      {SQL_INTERVAL_DAY_TO_SECOND, SQL_INTERVAL, SQL_CODE_DAY_TO_SECOND},
      {SQL_INTERVAL_MINUTE_TO_SECOND, SQL_INTERVAL, SQL_CODE_MINUTE_TO_SECOND},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(VerboseTypeOf(c.concise), c.verbose) << c.concise;
    EXPECT_EQ(SubcodeOf(c.concise), c.subcode) << c.concise;
    EXPECT_EQ(ConciseTypeOf(c.verbose, c.subcode), c.concise) << c.concise;
  }
  // ODBC 2's datetime types are datetime types too.
  EXPECT_EQ(VerboseTypeOf(SQL_C_TIMESTAMP), SQL_DATETIME);
  EXPECT_EQ(SubcodeOf(SQL_C_DATE), SQL_CODE_DATE);
  EXPECT_EQ(ConciseTypeOf(SQL_DATETIME, 0), 0);
  EXPECT_EQ(ConciseTypeOf(SQL_INTERVAL, 99), 0);
}

TEST(DescriptorTypes, AccessFollowsOdbcTable) {
  EXPECT_EQ(AccessOf(SQL_DESC_ARRAY_SIZE, DescKind::kArd), FieldAccess::kReadWrite);
  EXPECT_EQ(AccessOf(SQL_DESC_ARRAY_SIZE, DescKind::kIrd), FieldAccess::kUnused);
  EXPECT_EQ(AccessOf(SQL_DESC_ROWS_PROCESSED_PTR, DescKind::kApd), FieldAccess::kUnused);
  EXPECT_EQ(AccessOf(SQL_DESC_ROWS_PROCESSED_PTR, DescKind::kIpd), FieldAccess::kReadWrite);
  EXPECT_EQ(AccessOf(SQL_DESC_COUNT, DescKind::kIrd), FieldAccess::kReadOnly);
  EXPECT_EQ(AccessOf(SQL_DESC_NAME, DescKind::kArd), FieldAccess::kUnused);
  EXPECT_EQ(AccessOf(SQL_DESC_NAME, DescKind::kIpd), FieldAccess::kReadWrite);
  EXPECT_EQ(AccessOf(SQL_DESC_PARAMETER_TYPE, DescKind::kApd), FieldAccess::kUnused);
  EXPECT_EQ(AccessOf(SQL_DESC_DISPLAY_SIZE, DescKind::kIrd), FieldAccess::kReadOnly);
  EXPECT_EQ(AccessOf(SQL_DESC_DISPLAY_SIZE, DescKind::kIpd), FieldAccess::kUnused);
  EXPECT_EQ(AccessOf(12345, DescKind::kArd), FieldAccess::kUnknown);
  EXPECT_TRUE(IsHeaderField(SQL_DESC_COUNT));
  EXPECT_FALSE(IsHeaderField(SQL_DESC_TYPE));
}

TEST_F(DescriptorTest, HeaderDefaultsAndAllocType) {
  EXPECT_EQ(Small(ard_, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_AUTO);
  EXPECT_EQ(Small(user_, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_USER);
  EXPECT_EQ(Small(ard_, 0, SQL_DESC_COUNT), 0);
  SQLULEN size = 0;
  ASSERT_TRUE(ard_.GetField(0, SQL_DESC_ARRAY_SIZE, &size, 0, nullptr).ok());
  EXPECT_EQ(size, 1u);
  SQLINTEGER bind_type = -1;
  ASSERT_TRUE(ard_.GetField(0, SQL_DESC_BIND_TYPE, &bind_type, 0, nullptr).ok());
  EXPECT_EQ(bind_type, SQL_BIND_BY_COLUMN);
  // Read-only everywhere.
  EXPECT_EQ(SqlStateOf(ard_.SetField(0, SQL_DESC_ALLOC_TYPE, Int(SQL_DESC_ALLOC_USER))), "HY091");
  EXPECT_EQ(SqlStateOf(ard_.SetField(0, SQL_DESC_ARRAY_SIZE, Int(0))), "HY024");
}

TEST_F(DescriptorTest, FieldsThatDoNotApplyAreHy091) {
  SQLULEN* pointer = nullptr;
  EXPECT_EQ(SqlStateOf(ard_.GetField(0, SQL_DESC_ROWS_PROCESSED_PTR, &pointer, 0, nullptr)),
            "HY091");
  EXPECT_EQ(SqlStateOf(ipd_.SetField(0, SQL_DESC_ARRAY_SIZE, Int(5))), "HY091");
  EXPECT_EQ(SqlStateOf(apd_.SetField(1, SQL_DESC_PARAMETER_TYPE, Int(SQL_PARAM_INPUT))), "HY091");
  EXPECT_EQ(SqlStateOf(ipd_.SetField(1, SQL_DESC_NULLABLE, Int(SQL_NO_NULLS))), "HY091");
  EXPECT_EQ(SqlStateOf(ard_.SetField(1, 9999, Int(1))), "HY091");
  EXPECT_EQ(SqlStateOf(ipd_.SetField(1, SQL_DESC_PARAMETER_TYPE, Int(SQL_PARAM_OUTPUT))), "HYC00");
  EXPECT_EQ(SqlStateOf(ipd_.SetField(1, SQL_DESC_PARAMETER_TYPE, Int(77))), "HY105");
}

TEST_F(DescriptorTest, IrdIsReadOnlyExceptItsStatusPointers) {
  EXPECT_EQ(SqlStateOf(ird_.SetField(1, SQL_DESC_TYPE, Int(SQL_INTEGER))), "HY016");
  EXPECT_EQ(SqlStateOf(ird_.SetField(0, SQL_DESC_COUNT, Int(1))), "HY016");
  SQLUSMALLINT statuses[4];
  SQLULEN processed = 0;
  EXPECT_TRUE(ird_.SetField(0, SQL_DESC_ARRAY_STATUS_PTR, statuses).ok());
  EXPECT_TRUE(ird_.SetField(0, SQL_DESC_ROWS_PROCESSED_PTR, &processed).ok());
  EXPECT_EQ(ird_.array_status_ptr, statuses);
  EXPECT_EQ(ird_.rows_processed_ptr, &processed);
  EXPECT_EQ(SqlStateOf(ird_.SetRecord(1, SQL_C_LONG, 0, 4, 0, 0, nullptr, nullptr, nullptr)),
            "HY016");
  EXPECT_EQ(SqlStateOf(ird_.CopyFrom(ard_)), "HY016");
  // Without a statement there is nothing to describe.
  SQLSMALLINT count = 0;
  EXPECT_EQ(SqlStateOf(ird_.GetField(0, SQL_DESC_COUNT, &count, 0, nullptr)), "HY007");
}

TEST_F(DescriptorTest, TypeFieldsStayConsistent) {
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_CONCISE_TYPE, Int(SQL_C_TYPE_TIMESTAMP)).ok());
  EXPECT_EQ(Small(ard_, 1, SQL_DESC_TYPE), SQL_DATETIME);
  EXPECT_EQ(Small(ard_, 1, SQL_DESC_DATETIME_INTERVAL_CODE), SQL_CODE_TIMESTAMP);
  EXPECT_EQ(Small(ard_, 1, SQL_DESC_PRECISION), 6);  // ODBC's default for timestamps

  // Verbose type, then subcode.
  ASSERT_TRUE(ard_.SetField(2, SQL_DESC_TYPE, Int(SQL_DATETIME)).ok());
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_CONCISE_TYPE), SQL_DATETIME);  // not complete yet
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_DATETIME_INTERVAL_CODE), 0);
  ASSERT_TRUE(ard_.SetField(2, SQL_DESC_DATETIME_INTERVAL_CODE, Int(SQL_CODE_DATE)).ok());
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_CONCISE_TYPE), SQL_C_TYPE_DATE);
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_TYPE), SQL_DATETIME);

  // A plain type clears the subcode.
  ASSERT_TRUE(ard_.SetField(2, SQL_DESC_TYPE, Int(SQL_C_LONG)).ok());
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_CONCISE_TYPE), SQL_C_LONG);
  EXPECT_EQ(Small(ard_, 2, SQL_DESC_DATETIME_INTERVAL_CODE), 0);

  // Intervals: leading precision 2 and 6 fractional digits by default.
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_TYPE, Int(SQL_INTERVAL)).ok());
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_DATETIME_INTERVAL_CODE, Int(SQL_CODE_HOUR_TO_SECOND)).ok());
  EXPECT_EQ(Small(ipd_, 1, SQL_DESC_CONCISE_TYPE), SQL_INTERVAL_HOUR_TO_SECOND);
  SQLINTEGER leading = 0;
  ASSERT_TRUE(ipd_.GetField(1, SQL_DESC_DATETIME_INTERVAL_PRECISION, &leading, 0, nullptr).ok());
  EXPECT_EQ(leading, 2);
  EXPECT_EQ(Small(ipd_, 1, SQL_DESC_PRECISION), 6);

  // A subcode without a datetime/interval type, and a bad subcode.
  EXPECT_EQ(SqlStateOf(ard_.SetField(2, SQL_DESC_DATETIME_INTERVAL_CODE, Int(SQL_CODE_DATE))),
            "HY021");
  ASSERT_TRUE(ard_.SetField(3, SQL_DESC_TYPE, Int(SQL_DATETIME)).ok());
  EXPECT_EQ(SqlStateOf(ard_.SetField(3, SQL_DESC_DATETIME_INTERVAL_CODE, Int(42))), "HY092");
  // Character types: LENGTH 1, PRECISION 0.
  ASSERT_TRUE(ipd_.SetField(2, SQL_DESC_CONCISE_TYPE, Int(SQL_VARCHAR)).ok());
  SQLULEN length = 0;
  ASSERT_TRUE(ipd_.GetField(2, SQL_DESC_LENGTH, &length, 0, nullptr).ok());
  EXPECT_EQ(length, 1u);
}

TEST_F(DescriptorTest, DataPtrBindsAfterTheConsistencyCheck) {
  char buffer[16];
  // A datetime type whose subcode is missing is inconsistent.
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_TYPE, Int(SQL_DATETIME)).ok());
  EXPECT_EQ(SqlStateOf(ard_.SetField(1, SQL_DESC_DATA_PTR, buffer)), "HY021");
  EXPECT_FALSE(ard_.Find(1)->bound);
  // An SQL type in an application descriptor is not a C type.
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_CONCISE_TYPE, Int(SQL_VARCHAR)).ok());
  EXPECT_EQ(SqlStateOf(ard_.SetField(1, SQL_DESC_DATA_PTR, buffer)), "HY021");
  // Numeric precision and scale are checked.
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_TYPE, Int(SQL_C_NUMERIC)).ok());
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_PRECISION, Int(5)).ok());
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_SCALE, Int(7)).ok());
  EXPECT_EQ(SqlStateOf(ard_.SetField(1, SQL_DESC_DATA_PTR, buffer)), "HY021");
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_SCALE, Int(2)).ok());
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_DATA_PTR, buffer).ok());
  EXPECT_TRUE(ard_.Find(1)->bound);
  EXPECT_EQ(Small(ard_, 0, SQL_DESC_COUNT), 1);
  // Setting a non-deferred field unbinds the data buffer.
  ASSERT_TRUE(ard_.SetField(1, SQL_DESC_OCTET_LENGTH, Int(16)).ok());
  EXPECT_EQ(ard_.Find(1)->data_ptr, nullptr);
  EXPECT_FALSE(ard_.Find(1)->bound);
  // An IPD's DATA_PTR only runs the check.
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_CONCISE_TYPE, Int(SQL_INTEGER)).ok());
  EXPECT_TRUE(ipd_.SetField(1, SQL_DESC_DATA_PTR, buffer).ok());
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_CONCISE_TYPE, Int(SQL_C_SBIGINT)).ok());
  EXPECT_EQ(SqlStateOf(ipd_.SetField(1, SQL_DESC_DATA_PTR, buffer)), "HY021");
}

TEST_F(DescriptorTest, RecordNumbersAndCount) {
  SQLSMALLINT type = 0;
  EXPECT_EQ(SqlStateOf(ard_.GetField(0, SQL_DESC_TYPE, &type, 0, nullptr)), "07009");
  EXPECT_EQ(SqlStateOf(ard_.GetField(-1, SQL_DESC_TYPE, &type, 0, nullptr)), "07009");
  EXPECT_EQ(SqlStateOf(ard_.SetField(0, SQL_DESC_TYPE, Int(SQL_C_LONG))), "07009");
  // Above COUNT: SQL_NO_DATA.
  EXPECT_EQ(ard_.GetField(3, SQL_DESC_TYPE, &type, 0, nullptr).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(ard_.SetField(0, SQL_DESC_COUNT, Int(3)).ok());
  EXPECT_EQ(Small(ard_, 3, SQL_DESC_CONCISE_TYPE), SQL_C_DEFAULT);
  ASSERT_TRUE(ard_.SetField(0, SQL_DESC_COUNT, Int(1)).ok());
  EXPECT_EQ(Small(ard_, 0, SQL_DESC_COUNT), 1);
  EXPECT_EQ(SqlStateOf(ard_.SetField(0, SQL_DESC_COUNT, Int(-1))), "07009");
}

TEST_F(DescriptorTest, NamesAndUnnamed) {
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_NAME, const_cast<char*>("amount"), SQL_NTS).ok());
  EXPECT_EQ(Small(ipd_, 1, SQL_DESC_UNNAMED), SQL_NAMED);
  char name[4] = {};
  SQLINTEGER length = 0;
  absl::Status status = ipd_.GetField(1, SQL_DESC_NAME, name, sizeof(name), &length);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(length, 6);
  EXPECT_STREQ(name, "amo");
  EXPECT_FALSE(ipd_.diag().records().empty());  // 01004
  EXPECT_EQ(SqlStateOf(ipd_.SetField(1, SQL_DESC_UNNAMED, Int(SQL_NAMED))), "HY091");
  ASSERT_TRUE(ipd_.SetField(1, SQL_DESC_UNNAMED, Int(SQL_UNNAMED)).ok());
  ASSERT_TRUE(ipd_.GetField(1, SQL_DESC_NAME, name, sizeof(name), &length).ok());
  EXPECT_EQ(length, 0);
}

TEST_F(DescriptorTest, SetRecordAndGetRecord) {
  SQLINTEGER value = 0;
  SQLLEN indicator = 0;
  // A refused record is left as it was.
  EXPECT_EQ(SqlStateOf(apd_.SetRecord(1, SQL_DATETIME, 77, 0, 0, 0, &value, nullptr, &indicator)),
            "HY021");
  EXPECT_EQ(apd_.Find(1), nullptr);
  ASSERT_TRUE(apd_.SetRecord(2, SQL_C_LONG, 0, 4, 0, 0, &value, &indicator, &indicator).ok());
  EXPECT_EQ(Small(apd_, 0, SQL_DESC_COUNT), 2);
  EXPECT_TRUE(apd_.Find(2)->bound);
  EXPECT_EQ(apd_.Find(2)->data_ptr, &value);
  Descriptor::RecordView view;
  ASSERT_TRUE(apd_.GetRecord(2, &view).ok());
  EXPECT_EQ(view.type, SQL_C_LONG);
  EXPECT_EQ(view.octet_length, 4);
  EXPECT_EQ(apd_.GetRecord(3, &view).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(
      ipd_.SetRecord(1, SQL_DATETIME, SQL_CODE_TIMESTAMP, 16, 3, 0, nullptr, nullptr, nullptr)
          .ok());
  ASSERT_TRUE(ipd_.GetRecord(1, &view).ok());
  EXPECT_EQ(view.type, SQL_DATETIME);
  EXPECT_EQ(view.subcode, SQL_CODE_TIMESTAMP);
  EXPECT_EQ(view.precision, 3);
  EXPECT_EQ(view.nullable, SQL_NULLABLE);
}

TEST_F(DescriptorTest, CopyKeepsWhatTheTargetUses) {
  SQLINTEGER value = 0;
  SQLLEN offset = 0;
  SQLLEN indicator = 0;
  ASSERT_TRUE(apd_.SetRecord(1, SQL_C_LONG, 0, 4, 0, 0, &value, &indicator, &indicator).ok());
  ASSERT_TRUE(apd_.SetField(0, SQL_DESC_ARRAY_SIZE, Int(10)).ok());
  ASSERT_TRUE(apd_.SetField(0, SQL_DESC_BIND_OFFSET_PTR, &offset).ok());
  ASSERT_TRUE(user_.CopyFrom(apd_).ok());
  EXPECT_EQ(user_.array_size, 10u);
  EXPECT_EQ(user_.bind_offset_ptr, &offset);
  ASSERT_NE(user_.Find(1), nullptr);
  EXPECT_EQ(user_.Find(1)->data_ptr, &value);
  EXPECT_TRUE(user_.Find(1)->bound);
  EXPECT_EQ(Small(user_, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_USER);
  // Into an IPD: types, not buffers.
  ASSERT_TRUE(ipd_.CopyFrom(apd_).ok());
  EXPECT_EQ(ipd_.Find(1)->data_ptr, nullptr);
  EXPECT_EQ(ipd_.array_size, 1u);
}

TEST_F(DescriptorTest, UnbindDropsTrailingRecords) {
  SQLINTEGER a = 0;
  SQLINTEGER b = 0;
  ASSERT_TRUE(ard_.SetRecord(1, SQL_C_LONG, 0, 4, 0, 0, &a, nullptr, nullptr).ok());
  ASSERT_TRUE(ard_.SetRecord(3, SQL_C_LONG, 0, 4, 0, 0, &b, nullptr, nullptr).ok());
  EXPECT_EQ(ard_.Count(), 3);
  ard_.Unbind(3);
  EXPECT_EQ(ard_.Count(), 1);
}

}  // namespace
}  // namespace quietfetch::core

// EXPECT: 2:31: close the string literal
module attributes {sym_name = "unterminated

// EXPECT: 2:36: unknown escape sequence
module attributes {sym_name = "bad \q escape"} {
}

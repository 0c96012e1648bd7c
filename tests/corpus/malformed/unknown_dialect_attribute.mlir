// EXPECT: 2:32: unknown attribute '#nosuch.attr'
func.func @f() attributes {x = #nosuch.attr<1>} {
  return
}

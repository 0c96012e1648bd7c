// EXPECT: 2:1: expects parent op 'func.func'
func.return

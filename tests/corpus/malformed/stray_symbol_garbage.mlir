// EXPECT: 2:1: @ identifier expected
@@@ $$$ ~~~

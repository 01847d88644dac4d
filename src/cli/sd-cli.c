int main (void) { return 8; }

#include <stdio.h>
int main(void)
{
    puts("cinder");
    return 0;
}

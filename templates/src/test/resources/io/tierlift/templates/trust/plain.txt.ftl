plain ${names[0]}

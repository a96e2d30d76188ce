${names?api.getClass().getName()}
